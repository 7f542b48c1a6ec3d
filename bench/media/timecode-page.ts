import type { Page } from "playwright-core";

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

/** The console plays frames decoded as received in a <video> over its first (src/web-client/frames-as-received.ts); whichever shows is what a probe reads. */
export const SHOWN_BY_CONSOLE = ["[data-testid=remote-fast]", "[data-testid=remote-video]"];

/**
 * JavaScript source defining `readTimecode(source)`: the time code's value in
 * what `source` (a <video>, <canvas> or VideoFrame holding the sharer's
 * screen) shows, or null when a block is caught mid-change. `origin`: where the
 * page's content sits on the sharer's screen (the window's own frame moves it).
 */
const timecodeReader = (origin: { left: number; top: number }) => `
  const BLOCK = ${TIMECODE.block}, BITS = ${TIMECODE.bits}, LEFT = ${origin.left}, TOP = ${origin.top};
  const codeCanvas = Object.assign(document.createElement("canvas"), { width: BLOCK * BITS, height: BLOCK });
  const codeCtx = codeCanvas.getContext("2d", { willReadFrequently: true });
  const readTimecode = (source) => {
    codeCtx.drawImage(source, LEFT, TOP, codeCanvas.width, codeCanvas.height, 0, 0, codeCanvas.width, codeCanvas.height);
    const px = codeCtx.getImageData(0, 0, codeCanvas.width, codeCanvas.height).data;
    let value = 0;
    for (let i = 0; i < BITS; i++) {
      const at = ((BLOCK >> 1) * codeCanvas.width + i * BLOCK + (BLOCK >> 1)) * 4;
      const luma = (px[at] + px[at + 1] + px[at + 2]) / 3;
      if (luma > 80 && luma < 175) return null;
      value = value * 2 + (luma < 128 ? 1 : 0);
    }
    return value;
  };`;

/**
 * Runs in the helper's page: decodes the time code from what the page shows of
 * the sharer's screen and records how old it was. `origin`: where the page's
 * content sits on the sharer's screen (the browser window's own frame moves
 * it). `source`: selectors of the elements that can show the screen (a
 * <video>, a <canvas>); the first present and not hidden is read. It samples
 * what that element shows at each of the page's display refreshes and counts a
 * frame when the time code changed, which works for any element and so
 * measures two systems alike. Plain JavaScript in a string, so no bundler or
 * TypeScript loader helper can sneak into what runs in the browser.
 * `window.__probe.paused = true` stops the reading (setProbePaused).
 */
export const frameProbeScript = (origin: { left: number; top: number }, source: string[]) => `(() => {
${timecodeReader(origin)}
  const SOURCES = ${JSON.stringify(source)};
  // paused: set by a benchmark while it measures something else (input), so reading frames costs the page nothing.
  // bySource: frames read from each source (the first one present and not hidden is what the page shows).
  const probe = (window.__probe = { frames: 0, firstFrameAt: null, latencies: [], undecodable: 0, paused: false, bySource: {} });
  const shownSource = () => SOURCES.map((s) => [s, document.querySelector(s)]).find(([, el]) => el && !el.hidden) ?? [null, null];
  let last = null;
  const read = (el) => {
    const now = Date.now();
    if (probe.paused || (el.videoWidth ?? el.width) < 1000) return false;
    const value = readTimecode(el);
    const age = now - value;
    if (value === null || age < 0 || age >= 10000) return void probe.undecodable++;
    if (value === last) return false;
    last = value;
    probe.frames++;
    if (probe.firstFrameAt === null) probe.firstFrameAt = now;
    probe.latencies.push(age);
    return true;
  };
  const onRefresh = () => {
    const [source, shown] = shownSource();
    if (shown && read(shown)) probe.bySource[source] = (probe.bySource[source] ?? 0) + 1;
    requestAnimationFrame(onRefresh);
  };
  requestAnimationFrame(onRefresh);
})();`;

/** Pauses or resumes a page's frameProbeScript. */
export function setProbePaused(page: Page, paused: boolean): Promise<void> {
  return page.evaluate((p) => void ((window as unknown as { __probe: { paused: boolean } }).__probe.paused = p), paused);
}

/**
 * Defines `window.__frameAges(track, ms)` in a page: for `ms`, reads every frame
 * a video track produces (MediaStreamTrackProcessor on a clone, so the page's
 * own use of the track is untouched) and returns how old each frame's time code
 * was when the frame came out. On the sharer's captured track that is the age at
 * capture; on the helper's received track, at decode: stage by stage, where the
 * glass-to-glass time goes.
 */
export const frameAgesScript = (origin: { left: number; top: number }) => `(() => {
${timecodeReader(origin)}
  window.__frameAges = async (track, ms) => {
    const copy = track.clone();
    const reader = new MediaStreamTrackProcessor({ track: copy }).readable.getReader();
    const ages = [];
    const until = Date.now() + ms;
    while (Date.now() < until) {
      const { value: frame, done } = await reader.read();
      if (done) break;
      const now = Date.now();
      const code = frame.displayWidth >= 1000 ? readTimecode(frame) : null;
      frame.close();
      if (code !== null && now - code >= 0 && now - code < 10000) ages.push(now - code);
    }
    reader.cancel();
    copy.stop();
    return ages;
  };
})();`;
