import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { buildBroker } from "../../src/server/broker.js";
import { BrokerConfig } from "../../src/server/config.js";
import { startAgent } from "../../tools/agent-process.js";
import { launchHelperBrowser, launchSharerBrowser } from "../../tools/chromium.js";
import { openXEventWindow } from "../../tools/x-events.js";
import { startXvfb } from "../../tools/x-display.js";
import { browserMachineFacts, fmt, markdownTable, medianRun, numberArg, percentile, sleep } from "../broker/stats.js";
import { startControlSession, step } from "./control-session.js";
import { focusThroughHelper, LETTERS, measureKeys, measureMoves } from "./pointer-and-keys.js";

// `npm run bench:input [-- --moves 300 --keys 200]`: a full-control session with
// video flowing, helper console (headless Chromium) → WebRTC data channels →
// sharer page in desktop mode (headed Chromium on Xvfb, main's real input relay)
// → the real agent process (nut-js) → the X server. Latency is from the moment
// the benchmark tells the helper's browser to move or press, to the moment the
// X server delivers the event to a window on the sharer's screen (xev). Prints
// numbers; passes or fails nothing.
const MOVES = numberArg("moves", 300);
const KEYS = numberArg("keys", 200);
const BURST = numberArg("burst", 1000);
const RUNS = numberArg("runs", 3);

if (process.env.TANDEM_NETNS !== "1") {
  console.error("Run through `npm run bench:input` (it enters a private network namespace; Chromium gathers no ICE candidates on loopback alone).");
  process.exit(2);
}
if (!fs.existsSync("dist/web/console/index.html")) spawnSync("npx", ["vite", "build", "--logLevel", "warn"], { stdio: "inherit" });

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "tandem-bench-input-"));
const broker = await buildBroker(BrokerConfig.parse({ host: "127.0.0.1", port: 0, dataDir, sqliteFile: ":memory:", logLevel: "silent" }));
await broker.listen();
const x = await startXvfb();
const rows: [string, string, string][] = [];
const report = (what: string, value: string, target: string) => {
  rows.push([what, value, target]);
  console.log(`  ${what}: ${value}   (target ${target})`);
};
const agent = await startAgent(x.display);
const helperBrowser = await launchHelperBrowser();
const sharerBrowser = await launchSharerBrowser(x.display);
// Where the sharer's input lands: a window on the left half (the sharer's browser has the right half).
const target = await openXEventWindow(x.display, { x: 80, y: 200, width: 760, height: 600 });
try {
  const session = await startControlSession({ origin: broker.origin, ca: broker.tls!.caCert!, agent, helperBrowser, sharerBrowser: sharerBrowser.browser });
  const { helper, onScreen } = session;
  const scale = onScreen(1, 0).x - onScreen(0, 0).x;
  await step("first click arrives", focusThroughHelper(helper, onScreen, target));

  /** One run of every measure, on the same session (RUNS of them; the median run is reported). */
  const measureRun = async () => {
    // 1. Pointer moves, one at a time: helper move → MotionNotify at (about) the aimed pixel.
    const moves = await measureMoves(helper, onScreen, target, MOVES, scale);
    // 2. Key presses, one at a time: helper key down → X KeyPress of that key.
    const keys = await measureKeys(helper, target, KEYS);
    // 3. Sustained: moves as fast as the console's handler can be fed (events dispatched inside the
    // helper's page, since Playwright paces its own moves to the page's frames); count what X delivers.
    const burstFrom = target.events.length;
    const burstStart = Date.now();
    const points = Array.from({ length: BURST }, (_, i) => onScreen(120 + (i % 600), 300 + ((i * 3) % 400)));
    const sentFor = await helper.getByTestId("remote-video").evaluate(async (v: HTMLVideoElement, pts) => {
      const screen = v.parentElement!;
      const started = performance.now();
      for (let i = 0; i < pts.length; i++) {
        screen.dispatchEvent(new PointerEvent("pointerrawupdate", { clientX: pts[i]!.x, clientY: pts[i]!.y, bubbles: true }));
        screen.dispatchEvent(new PointerEvent("pointermove", { clientX: pts[i]!.x, clientY: pts[i]!.y, bubbles: true }));
        if (i % 20 === 19) await new Promise((r) => setTimeout(r, 0));
      }
      return performance.now() - started;
    }, points);
    await sleep(1000);
    const delivered = target.events.slice(burstFrom).filter((e) => e.type === "MotionNotify");
    const burstSpan = (delivered.at(-1)?.at ?? burstStart) - burstStart;

    const keyBurstFrom = target.events.length;
    const keyBurstStart = Date.now();
    for (let i = 0; i < KEYS; i++) await helper.keyboard.press(`Key${LETTERS[i % 26]!.toUpperCase()}`);
    await target.waitFor(() => target.events.slice(keyBurstFrom).filter((e) => e.type === "KeyPress").length >= KEYS, keyBurstFrom, 10_000);
    const keysSeen = target.events.slice(keyBurstFrom).filter((e) => e.type === "KeyPress");
    return {
      moves,
      keys,
      burst: { rate: delivered.length / (burstSpan / 1000), delivered: delivered.length, sentFor },
      keyBurst: { rate: keysSeen.length / (((keysSeen.at(-1)?.at ?? keyBurstStart) - keyBurstStart) / 1000), seen: keysSeen.length, inOrder: keysSeen.every((e, i) => e.keysym === LETTERS[i % 26]) },
    };
  };
  const runs: Awaited<ReturnType<typeof measureRun>>[] = [];
  for (let run = 1; run <= RUNS; run++) {
    runs.push(await measureRun());
    console.log(`  run ${run}: move p50 ${percentile(runs.at(-1)!.moves.samples, 50)} ms, key p50 ${percentile(runs.at(-1)!.keys.samples, 50)} ms`);
  }
  const latency = (what: string, pick: (r: (typeof runs)[number]) => { samples: number[]; missed: number }, unit: string) => {
    const m = pick(medianRun(runs, (r) => percentile(pick(r).samples, 50)));
    const each = runs.map((r) => `${percentile(pick(r).samples, 50)} / ${percentile(pick(r).samples, 99)}`).join(", ");
    report(`${what}, p50 / p99 (median of ${RUNS} runs)`, `${percentile(m.samples, 50)} / ${percentile(m.samples, 99)} ms (${m.samples.length} ${unit}, ${m.missed} not seen within 2 s; runs: ${each} ms)`, "p50 ≤ 15 ms, p99 ≤ 40 ms");
  };
  latency("Pointer move → X MotionNotify", (r) => r.moves, "moves");
  latency("Key press → X KeyPress", (r) => r.keys, "keys");
  const burst = medianRun(runs, (r) => r.burst.rate).burst;
  report(`Sustained pointer moves delivered to X (median of ${RUNS} runs)`, `${fmt(burst.rate, 0)} events/s (${burst.delivered} of ${BURST} sent in ${fmt(burst.sentFor, 0)} ms; runs: ${runs.map((r) => fmt(r.burst.rate, 0)).join(", ")}; the pointer channel drops late moves by design)`, "≥ 125/s (a 125 Hz mouse)");
  const keyBurst = medianRun(runs, (r) => r.keyBurst.rate).keyBurst;
  report(`Sustained key presses delivered to X (median of ${RUNS} runs)`, `${fmt(keyBurst.rate, 0)} keys/s (${keyBurst.seen} of ${KEYS}; runs: ${runs.map((r) => fmt(r.keyBurst.rate, 0)).join(", ")}; every run in order: ${runs.every((r) => r.keyBurst.inOrder)})`, "every key, in order");

  const status = fs.readFileSync(`/proc/${agent.child.pid}/status`, "utf8");
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? NaN);
  report("Agent process memory (RSS now / peak)", `${fmt(kb("VmRSS") / 1024, 1)} / ${fmt(kb("VmHWM") / 1024, 1)} MiB (Node ${process.version} + nut-js; in the app it is Electron's utilityProcess)`, "—");
  const videoFps = await helper.getByTestId("remote-video").evaluate((v: HTMLVideoElement) => ({ frames: v.getVideoPlaybackQuality().totalVideoFrames, width: v.videoWidth }));
  report("Video frames the helper had received by the end (video flowed throughout)", `${videoFps.frames} frames at ${videoFps.width} px wide`, "—");
  await session.close();
} finally {
  target.stop();
  await sharerBrowser.close();
  await helperBrowser.close();
  await agent.stop();
  x.stop();
  await broker.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
}

const machine = `${await browserMachineFacts()}, Xvfb ${xvfbVersion()}`;
const table = markdownTable(["Measure", "Result", "Target"], rows);
fs.writeFileSync(
  "bench/input/results.md",
  `# Input benchmark\n\nCommand: \`npm run bench:input\` (${MOVES} moves, ${KEYS} keys, a burst of ${BURST} moves, ${RUNS} runs on one session: the median run reported, every run listed). Machine: ${machine}. ${new Date().toISOString().slice(0, 10)}.\n\nA full-control session with the sharer's 1920x1080 screen streaming to the helper throughout. Path: the helper console (headless Chromium) → WebRTC \`pointer\` (unordered, no retransmits) and \`input\` (reliable) data channels → the sharer page in desktop mode (headed Chromium on Xvfb; the bridge is main's real input relay) → the agent process (pointer through nut-js with auto-delay 0; keys by physical keycode through XTest) → X server. Latency: from the benchmark's call into the helper's browser to the moment an \`xev\` window on the sharer's screen reported the event (same clock, one machine; includes Playwright's dispatch into the helper's page and xev's output).\n\n${table}\n`,
);
console.log(`\n${table}\n\nwritten to bench/input/results.md`);

function xvfbVersion(): string {
  const out = spawnSync("dpkg-query", ["-W", "-f=${Version}", "xvfb"], { encoding: "utf8" });
  return out.status === 0 ? out.stdout.trim() : "?";
}
