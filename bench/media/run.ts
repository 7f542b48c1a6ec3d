import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { buildBroker } from "../../src/server/broker.js";
import { BrokerConfig } from "../../src/server/config.js";
import { launchHelperBrowser, launchSharerBrowser, newPage, signIn } from "../../tools/chromium.js";
import { startXvfb } from "../../tools/x-display.js";
import { browserMachineFacts, fmt, markdownTable, medianRun, numberArg, percentile, sleep } from "../broker/stats.js";
import { KEEP_PEER, TIME_CAPTURE } from "./page-hooks.js";
import { frameProbeScript, SHOWN_BY_CONSOLE } from "./timecode-page.js";
import { openTimecodeWindow } from "./timecode-window.js";

// `npm run bench:media [-- --seconds 15]`: one real session, sharer (headed
// Chromium capturing a 1920x1080 Xvfb screen with a moving box and an on-screen
// millisecond time code) to helper (headless Chromium, the console), over
// WebRTC inside a private network namespace. Prints numbers; passes or fails nothing.
const SECONDS = numberArg("seconds", 15);
const RUNS = numberArg("runs", 3);
const sharerPerson = { username: "sam@northwind.test", password: "demo-sharer-1" };
const helperPerson = { username: "hugo@northwind.test", password: "demo-helper-1" };

if (process.env.TANDEM_NETNS !== "1") {
  console.error("Run through `npm run bench:media` (it enters a private network namespace; Chromium gathers no ICE candidates on loopback alone).");
  process.exit(2);
}
if (!fs.existsSync("dist/web/console/index.html")) spawnSync("npx", ["vite", "build", "--logLevel", "warn"], { stdio: "inherit" });

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "tandem-bench-media-"));
const broker = await buildBroker(BrokerConfig.parse({ host: "127.0.0.1", port: 0, dataDir, sqliteFile: ":memory:", logLevel: "silent", defaultTenantSettings: { allowUnenrolledDevices: true } }));
await broker.listen();
const origin = broker.origin;
const x = await startXvfb();
const rows: [string, string, string][] = [];
const report = (what: string, value: string, target: string) => {
  rows.push([what, value, target]);
  console.log(`  ${what}: ${value}   (target ${target})`);
};

// The changing content: its own headed window on the left half of the screen.
const content = await openTimecodeWindow(x.display);
const contentOrigin = content.origin;

const helperBrowser = await launchHelperBrowser();
let sharerBrowser = await launchSharerBrowser(x.display);

/** One whole session, allow to the sharer's browser killed; RUNS of them, each figure the median run's. */
async function mediaRun() {
  const helper = await newPage(helperBrowser);
  await helper.addInitScript({ content: frameProbeScript(contentOrigin, SHOWN_BY_CONSOLE) });
  await helper.addInitScript({ content: KEEP_PEER });
  await signIn(helper, origin, "/", helperPerson);
  await helper.getByTestId("new-session").click();
  const code = (await helper.getByTestId("session-code").textContent())!.replace("-", "");
  const sharer = await newPage(sharerBrowser.browser, { headed: true });
  await sharer.addInitScript({ content: KEEP_PEER });
  await sharer.addInitScript({ content: TIME_CAPTURE });
  await signIn(sharer, origin, `/s?code=${code}`, sharerPerson);
  await sharer.getByTestId("join").click();
  await helper.getByTestId("request-view").click();
  await sharer.getByTestId("allow").waitFor();
  const allowAt = Date.now();
  await sharer.getByTestId("allow").click();
  await helper.waitForFunction(() => (window as unknown as { __probe: { firstFrameAt: number | null } }).__probe.firstFrameAt !== null, undefined, { timeout: 15_000 });
  const firstFrameAt = await helper.evaluate(() => (window as unknown as { __probe: { firstFrameAt: number } }).__probe.firstFrameAt);
  const stages = await sharer.evaluate(() => {
    const w = window as unknown as { __captureAskedAt: number; __captureAt: number; __connectedAt: number };
    return { asked: w.__captureAskedAt, captured: w.__captureAt, connected: w.__connectedAt };
  });
  const allow = { total: firstFrameAt - allowAt, asked: stages.asked - allowAt, captured: stages.captured - stages.asked, connected: stages.connected - stages.captured, decoded: firstFrameAt - stages.connected };

  await sleep(2000); // past the encoder's ramp-up
  const stats = () => helper.evaluate(async () => {
    const w = window as unknown as { __probe: { frames: number; latencies: number[]; undecodable: number }; __peer: RTCPeerConnection };
    let decoded = 0;
    let bytes = 0;
    (await w.__peer.getStats()).forEach((r: Record<string, unknown>) => {
      if (r.type === "inbound-rtp" && r.kind === "video") [decoded, bytes] = [r.framesDecoded as number, r.bytesReceived as number];
    });
    return { frames: w.__probe.frames, decoded, bytes, latencies: w.__probe.latencies.length, undecodable: w.__probe.undecodable, at: Date.now() };
  });
  const before = await stats();
  await sleep(SECONDS * 1000);
  const after = await stats();
  const sender = await sharer.evaluate(async () => {
    const pc = (window as unknown as { __peer: RTCPeerConnection }).__peer;
    const out: Record<string, unknown> = {};
    (await pc.getStats()).forEach((r: Record<string, unknown>) => {
      if (r.type === "media-source" && r.kind === "video") out.capturedFps = r.framesPerSecond;
      if (r.type === "outbound-rtp" && r.kind === "video") Object.assign(out, { sentFps: r.framesPerSecond, limitation: r.qualityLimitationReason, encoder: r.encoderImplementation });
      if (r.type === "codec" && typeof r.mimeType === "string" && r.mimeType.startsWith("video/")) out.codec ??= r.mimeType;
    });
    return out;
  });
  const size = await helper.evaluate(() => {
    const v = document.querySelector<HTMLVideoElement>("[data-testid=remote-video]")!;
    return { w: v.videoWidth, h: v.videoHeight };
  });
  const latencies = await helper.evaluate((from) => (window as unknown as { __probe: { latencies: number[] } }).__probe.latencies.slice(from), before.latencies);
  const seconds = (after.at - before.at) / 1000;

  // The sharer's browser dies: how long until the helper's console says so.
  const killedAt = Date.now();
  await sharerBrowser.kill();
  await helper.getByTestId("sharer-away").waitFor({ timeout: 10_000 });
  const goneMs = Date.now() - killedAt;
  sharerBrowser = await launchSharerBrowser(x.display); // for the next run, and so cleanup has something to close
  await helper.close();
  return {
    allow,
    decodedFps: (after.decoded - before.decoded) / seconds,
    shownFps: (after.frames - before.frames) / seconds,
    size,
    sender,
    latencies,
    midChange: after.undecodable - before.undecodable,
    mbits: ((after.bytes - before.bytes) * 8) / seconds / 1e6,
    goneMs,
  };
}

try {
  const runs: Awaited<ReturnType<typeof mediaRun>>[] = [];
  for (let run = 1; run <= RUNS; run++) {
    runs.push(await mediaRun());
    const r = runs.at(-1)!;
    console.log(`  run ${run}: allow → frame ${r.allow.total} ms, ${fmt(r.decodedFps, 1)} fps, glass-to-glass p50 ${percentile(r.latencies, 50)} ms, sender ${JSON.stringify(r.sender)}`);
  }
  const list = (value: (r: (typeof runs)[number]) => string) => `runs: ${runs.map(value).join(", ")}`;
  const a = medianRun(runs, (r) => r.allow.total).allow;
  report(`Allow → first decoded frame at the helper (median of ${RUNS})`, `${a.total} ms (click → capture asked ${a.asked} ms, screen captured +${a.captured} ms, peers connected +${a.connected} ms, first frame decoded +${a.decoded} ms; ${list((r) => String(r.allow.total))})`, "≤ 500 ms");
  report(`Received frames per second, decoded (1920x1080, changing content; median of ${RUNS})`, `${fmt(medianRun(runs, (r) => r.decodedFps).decodedFps, 1)} (${list((r) => fmt(r.decodedFps, 1))})`, "≥ 28");
  report(`Frames shown in the helper's headless page (distinct screens at its display refreshes; median of ${RUNS})`, `${fmt(medianRun(runs, (r) => r.shownFps).shownFps, 1)} fps (${list((r) => fmt(r.shownFps, 1))})`, "—");
  report("Resolution at the helper", runs.map((r) => `${r.size.w}x${r.size.h}`).join(", "), "1920x1080");
  const { sender } = runs[0]!;
  report("Sharer side: captured / sent fps, codec, what limits quality (first run)", `${fmt(Number(sender.capturedFps), 1)} / ${fmt(Number(sender.sentFps), 1)} fps, ${String(sender.codec ?? "?")} (${String(sender.encoder ?? "?")}), ${String(sender.limitation ?? "?")}`, "—");
  const g = medianRun(runs, (r) => percentile(r.latencies, 50));
  report(`Glass-to-glass latency p50 / p99 (median of ${RUNS})`, `${percentile(g.latencies, 50)} / ${percentile(g.latencies, 99)} ms (${g.latencies.length} frames read, ${g.midChange} mid-change; ${list((r) => `${percentile(r.latencies, 50)} / ${percentile(r.latencies, 99)}`)} ms)`, "p50 ≤ 120 ms, p99 ≤ 250 ms");
  report(`Bitrate (bytes received over the window; median of ${RUNS})`, `${fmt(medianRun(runs, (r) => r.mbits).mbits, 2)} Mbit/s (${list((r) => fmt(r.mbits, 2))})`, "sensible for 1080p");
  report(`Sharer's browser killed → console says the sharer is gone (median of ${RUNS})`, `${medianRun(runs, (r) => r.goneMs).goneMs} ms (${list((r) => String(r.goneMs))})`, "≤ 2 s (one commercial product documents 60 s)");
} finally {
  await sharerBrowser.close();
  await helperBrowser.close();
  await content.close();
  x.stop();
  await broker.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
}

const machine = await browserMachineFacts();
const table = markdownTable(["Measure", "Result", "Target"], rows);
fs.writeFileSync(
  "bench/media/results.md",
  `# Media benchmark\n\nCommand: \`npm run bench:media\` (${SECONDS} s of video a run, ${RUNS} runs each a whole new session: the median run reported, every run listed). Machine: ${machine}. ${new Date().toISOString().slice(0, 10)}.\n\nSharer: headed Chromium capturing a 1920x1080 Xvfb screen (getDisplayMedia, the sharer page as shipped); helper: the console in headless Chromium; both in one private network namespace, host candidates, H.264 (OpenH264) preferred by the sharer page. Content: a window with a box that moves every frame and a 44-bit millisecond time code drawn each animation frame; at each display refresh the helper decodes the time code from what its page shows (the frames decoded as received, drawn over the <video>; the <video> when that path is off) and subtracts it from its own clock (same machine).\n\n${table}\n`,
);
console.log(`\n${table}\n\nwritten to bench/media/results.md`);
