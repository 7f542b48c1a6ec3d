/**
 * A page that puts the wall clock on the screen as a strip of black and white
 * blocks (44 bits of Date.now(), 20 px blocks), fresh
 * on every animation frame, above a box that keeps moving so the encoder
 * always has changing content. The helper side decodes the blocks from the
 * video it receives; both browsers share this machine's clock.
 */
export const TIMECODE = { block: 20, bits: 44 } as const; // 880 px: fits the 960 px window

export const TIMECODE_PAGE = `<!doctype html><html><head><meta charset="utf-8"><style>
html,body{margin:0;background:#3a4150;overflow:hidden;height:100%}
#code{position:fixed;left:0;top:0;display:flex;background:#fff}
#code i{display:block;width:${TIMECODE.block}px;height:${TIMECODE.block}px}
#box{position:fixed;top:200px;width:300px;height:200px;background:linear-gradient(45deg,#e33,#3ae,#ee3);border-radius:12px}
#text{position:fixed;top:500px;left:40px;font:48px monospace;color:#fff}
</style></head><body><div id="code"></div><div id="box"></div><div id="text"></div><script>
const code = document.getElementById("code");
const cells = [];
for (let i = 0; i < ${TIMECODE.bits}; i++) { const c = document.createElement("i"); code.appendChild(c); cells.push(c); }
const box = document.getElementById("box"), text = document.getElementById("text");
function draw() {
  const now = Date.now();
  for (let i = 0; i < ${TIMECODE.bits}; i++) cells[i].style.background = Math.floor(now / 2 ** (${TIMECODE.bits} - 1 - i)) % 2 ? "#000" : "#fff";
  box.style.left = (40 + (now / 2) % 500) + "px";
  text.textContent = new Date(now).toISOString();
  requestAnimationFrame(draw);
}
requestAnimationFrame(draw);
</script></body></html>`;

/**
 * Runs in the helper's page: decodes the time code from what the page shows of
 * the sharer's screen and records how old it was. `origin`: where the page's
 * content sits on the sharer's screen (the browser window's own frame moves
 * it). `source`: the element showing the screen (a <video> or noVNC's
 * <canvas>). `clock`: "video-frame" reads every frame the video presents
 * (requestVideoFrameCallback); "animation-frame" samples whatever the element
 * shows at each of the page's display refreshes and counts a frame when the time
 * code changed, which works for any element and so measures two systems alike.
 * Plain JavaScript in a string, so no bundler or TypeScript loader helper can
 * sneak into what runs in the browser.
 */
export const frameProbeScript = (origin: { left: number; top: number }, o: { source?: string; clock?: "video-frame" | "animation-frame" } = {}) => `(() => {
  const BLOCK = ${TIMECODE.block}, BITS = ${TIMECODE.bits}, LEFT = ${origin.left}, TOP = ${origin.top};
  const SOURCE = ${JSON.stringify(o.source ?? "[data-testid=remote-video]")}, EVERY_VIDEO_FRAME = ${(o.clock ?? "video-frame") === "video-frame"};
  const probe = (window.__probe = { frames: 0, firstFrameAt: null, latencies: [], undecodable: 0 });
  const canvas = document.createElement("canvas");
  canvas.width = BLOCK * BITS;
  canvas.height = BLOCK;
  const ctx = canvas.getContext("2d", { willReadFrequently: true });
  let last = null;
  const read = (el) => {
    const now = Date.now();
    if ((el.videoWidth ?? el.width) < 1000) return;
    ctx.drawImage(el, LEFT, TOP, canvas.width, canvas.height, 0, 0, canvas.width, canvas.height);
    const px = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
    let value = 0, clean = true;
    for (let i = 0; i < BITS; i++) {
      const at = ((BLOCK >> 1) * canvas.width + i * BLOCK + (BLOCK >> 1)) * 4;
      const luma = (px[at] + px[at + 1] + px[at + 2]) / 3;
      if (luma > 80 && luma < 175) clean = false; // a block caught mid-change
      value = value * 2 + (luma < 128 ? 1 : 0);
    }
    const age = now - value;
    if (!clean || age < 0 || age >= 10000) return void probe.undecodable++;
    if (!EVERY_VIDEO_FRAME && value === last) return;
    last = value;
    if (!EVERY_VIDEO_FRAME) probe.frames++;
    if (probe.firstFrameAt === null) probe.firstFrameAt = now;
    probe.latencies.push(age);
  };
  const watch = () => {
    const el = document.querySelector(SOURCE);
    if (!el) return void setTimeout(watch, 20);
    if (EVERY_VIDEO_FRAME) {
      const onFrame = () => {
        probe.frames++;
        if (probe.firstFrameAt === null) probe.firstFrameAt = Date.now();
        read(el);
        el.requestVideoFrameCallback(onFrame);
      };
      el.requestVideoFrameCallback(onFrame);
    } else {
      const onRefresh = () => (read(el), requestAnimationFrame(onRefresh));
      requestAnimationFrame(onRefresh);
    }
  };
  watch();
})();`;
