import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Page } from "playwright-core";
import { createInputRelay } from "../../src/main/input-relay.js";
import { buildBroker } from "../../src/server/broker.js";
import { BrokerConfig } from "../../src/server/config.js";
import { startAgent } from "../../tools/agent-process.js";
import { launchHelperBrowser, launchSharerBrowser, newPage, signIn } from "../../tools/chromium.js";
import { attachDesktopBridge, registerDevice } from "../../tools/desktop-stand-in.js";
import { signInAsDesktop } from "../../tools/desktop-sign-in.js";
import { openXEventWindow, type XEvent } from "../../tools/x-events.js";
import { startXvfb } from "../../tools/x-display.js";
import { browserMachineFacts, fmt, markdownTable, numberArg, percentile, sleep } from "../broker/stats.js";

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
const people = {
  helper: { username: "hugo@northwind.test", password: "demo-helper-1" },
  sharer: { username: "sam@northwind.test", password: "demo-sharer-1" },
  admin: { username: "ada@northwind.test", password: "demo-admin-1" },
};

if (process.env.TANDEM_NETNS !== "1") {
  console.error("Run through `npm run bench:input` (it enters a private network namespace; Chromium gathers no ICE candidates on loopback alone).");
  process.exit(2);
}
if (!fs.existsSync("dist/web/console/index.html")) spawnSync("npx", ["vite", "build", "--logLevel", "warn"], { stdio: "inherit" });

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "tandem-bench-input-"));
const broker = await buildBroker(BrokerConfig.parse({ host: "127.0.0.1", port: 0, dataDir, sqliteFile: ":memory:", logLevel: "silent" }));
await broker.listen();
const origin = broker.origin;
const ca = broker.tls!.caCert!;
const wsUrl = `${origin.replace(/^http/, "ws")}/ws`;
const x = await startXvfb();
const rows: [string, string, string][] = [];
const report = (what: string, value: string, target: string) => {
  rows.push([what, value, target]);
  console.log(`  ${what}: ${value}   (target ${target})`);
};
const step = async <T>(what: string, action: Promise<T>, ms = 20_000): Promise<T> => {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`benchmark stuck: ${what} (${ms} ms)`)), ms)));
  try {
    return await Promise.race([action, timeout]);
  } finally {
    clearTimeout(timer);
  }
};

const agent = await startAgent(x.display);
const helperBrowser = await launchHelperBrowser();
const sharerBrowser = await launchSharerBrowser(x.display);
// Where the sharer's input lands: a window on the left half (the sharer's browser has the right half).
const target = await openXEventWindow(x.display, { x: 80, y: 200, width: 760, height: 600 });
try {
  // The desktop app's device, enrolled (as an MDM-deployed app registers on first start).
  const issuer = `${origin}/idp`;
  const adminToken = (await signInAsDesktop({ issuer, ca, ...people.admin })).accessToken;
  const enrollment = await fetchJson(`${origin}/api/enrollment-token`, adminToken);
  const sharerToken = (await signInAsDesktop({ issuer, ca, ...people.sharer })).accessToken;
  const device = await registerDevice({ wsUrl, ca, sharerToken, enrollmentToken: enrollment.token as string, name: "bench workstation" });

  const helper = await newPage(helperBrowser);
  await signIn(helper, origin, "/", people.helper);
  await helper.getByTestId("new-session").click();
  const code = (await helper.getByTestId("session-code").textContent())!.replace("-", "");
  const sharer = await newPage(sharerBrowser.browser, { headed: true });
  const relay = createInputRelay(agent);
  if (process.env.BENCH_DEBUG) {
    const input = relay.input;
    relay.input = (sessionId, event) => (console.log(Date.now() % 100000, "relay", JSON.stringify(event).slice(0, 80)), input(sessionId, event));
    agent.child.on("message", (m) => console.log(Date.now() % 100000, "agent", JSON.stringify(m).slice(0, 80)));
  }
  await attachDesktopBridge(sharer, relay, device);
  await signIn(sharer, origin, `/s?code=${code}`, people.sharer);
  await sharer.getByTestId("join").click();
  await step("control requested", helper.getByTestId("request-control").click());
  await step("sharer asked", sharer.getByTestId("allow").click());
  await step("helper controlling", helper.getByTestId("controlling").waitFor());
  await step("video flowing", helper.waitForFunction(() => (document.querySelector<HTMLVideoElement>("[data-testid=remote-video]")?.videoWidth ?? 0) > 0));
  await sleep(1500);

  const video = await helper.getByTestId("remote-video").evaluate((v: HTMLVideoElement) => {
    const box = v.getBoundingClientRect();
    const scale = Math.min(box.width / v.videoWidth, box.height / v.videoHeight);
    return { left: box.left + (box.width - v.videoWidth * scale) / 2, top: box.top + (box.height - v.videoHeight * scale) / 2, scale, width: v.videoWidth };
  });
  const onVideo = (sx: number, sy: number) => ({ x: video.left + sx * video.scale, y: video.top + sy * video.scale });
  // Focus the remote screen with a click on the target window, then give that window the keyboard, as a window manager would.
  const first = onVideo(400, 500);
  await helper.mouse.click(first.x, first.y);
  await step("first click arrives", target.waitFor((e) => e.type === "ButtonPress", 0, 10_000));
  target.focus();
  await sleep(300);

  // 1. Pointer moves, one at a time: helper move → MotionNotify at (about) the aimed pixel.
  const near = (e: XEvent, sx: number, sy: number) => e.type === "MotionNotify" && Math.abs(e.root.x - sx) <= 2 / video.scale && Math.abs(e.root.y - sy) <= 2 / video.scale;
  const moveLatency: number[] = [];
  let moveMisses = 0;
  for (let i = 0; i < MOVES; i++) {
    const sx = 120 + ((i * 37) % 680);
    const sy = 240 + ((i * 53) % 520);
    const p = onVideo(sx, sy);
    const from = target.events.length;
    const sent = Date.now();
    await helper.mouse.move(p.x, p.y);
    const seen = await target.waitFor((e) => near(e, sx, sy), from);
    if (process.env.BENCH_DEBUG && i < 5) console.log(Date.now() % 100000, "move sent", sent % 100000, { sx, sy }, "x events", target.events.slice(from).map((e) => `${e.type}@${e.at % 100000}(${e.root.x},${e.root.y})`).join(" "));
    if (seen) moveLatency.push(seen.at - sent);
    else moveMisses++;
  }
  report("Pointer move → X MotionNotify, p50 / p99", `${percentile(moveLatency, 50)} / ${percentile(moveLatency, 99)} ms (${moveLatency.length} moves, ${moveMisses} not seen within 2 s)`, "p50 ≤ 15 ms, p99 ≤ 40 ms");

  // 2. Key presses, one at a time: helper key down → X KeyPress of that key.
  const letters = "abcdefghijklmnopqrstuvwxyz";
  const keyLatency: number[] = [];
  let keyMisses = 0;
  for (let i = 0; i < KEYS; i++) {
    const letter = letters[i % letters.length]!;
    const from = target.events.length;
    const sent = Date.now();
    await helper.keyboard.down(`Key${letter.toUpperCase()}`);
    const seen = await target.waitFor((e) => e.type === "KeyPress" && e.keysym === letter, from);
    await helper.keyboard.up(`Key${letter.toUpperCase()}`);
    if (process.env.BENCH_DEBUG && i < 4) console.log(Date.now() % 100000, "key sent", sent % 100000, "seen", seen?.at ? seen.at % 100000 : null);
    if (seen) keyLatency.push(seen.at - sent);
    else keyMisses++;
  }
  report("Key press → X KeyPress, p50 / p99", `${percentile(keyLatency, 50)} / ${percentile(keyLatency, 99)} ms (${keyLatency.length} keys, ${keyMisses} not seen within 2 s)`, "p50 ≤ 15 ms, p99 ≤ 40 ms");

  // 3. Sustained: moves as fast as the console's handler can be fed (events dispatched inside the
  // helper's page, since Playwright paces its own moves to the page's frames); count what X delivers.
  const burstFrom = target.events.length;
  const burstStart = Date.now();
  const points = Array.from({ length: BURST }, (_, i) => onVideo(120 + (i % 600), 300 + ((i * 3) % 400)));
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
  const span = (delivered.at(-1)?.at ?? burstStart) - burstStart;
  report("Sustained pointer moves delivered to X", `${fmt(delivered.length / (span / 1000), 0)} events/s (${delivered.length} of ${BURST} sent in ${fmt(sentFor, 0)} ms; the pointer channel drops late moves by design)`, "≥ 125/s (a 125 Hz mouse)");

  const keyBurstFrom = target.events.length;
  const keyBurstStart = Date.now();
  for (let i = 0; i < KEYS; i++) await helper.keyboard.press(`Key${letters[i % 26]!.toUpperCase()}`);
  await target.waitFor(() => target.events.slice(keyBurstFrom).filter((e) => e.type === "KeyPress").length >= KEYS, keyBurstFrom, 10_000);
  const keysSeen = target.events.slice(keyBurstFrom).filter((e) => e.type === "KeyPress");
  report("Sustained key presses delivered to X", `${fmt(keysSeen.length / (((keysSeen.at(-1)?.at ?? keyBurstStart) - keyBurstStart) / 1000), 0)} keys/s (${keysSeen.length} of ${KEYS}, in order: ${keysSeen.every((e, i) => e.keysym === letters[i % 26])})`, "every key, in order");

  const status = fs.readFileSync(`/proc/${agent.child.pid}/status`, "utf8");
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? NaN);
  report("Agent process memory (RSS now / peak)", `${fmt(kb("VmRSS") / 1024, 1)} / ${fmt(kb("VmHWM") / 1024, 1)} MiB (Node ${process.version} + nut-js; in the app it is Electron's utilityProcess)`, "—");
  const videoFps = await helper.getByTestId("remote-video").evaluate((v: HTMLVideoElement) => (v as HTMLVideoElement & { getVideoPlaybackQuality(): { totalVideoFrames: number } }).getVideoPlaybackQuality().totalVideoFrames);
  report("Video frames the helper had received by the end (video flowed throughout)", `${videoFps} frames at ${video.width} px wide`, "—");
  await closeQuietly(helper, sharer);
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
  `# Input benchmark\n\nCommand: \`npm run bench:input\` (${MOVES} moves, ${KEYS} keys, a burst of ${BURST} moves). Machine: ${machine}. ${new Date().toISOString().slice(0, 10)}.\n\nA full-control session with the sharer's 1920x1080 screen streaming to the helper throughout. Path: the helper console (headless Chromium) → WebRTC \`pointer\` (unordered, no retransmits) and \`input\` (reliable) data channels → the sharer page in desktop mode (headed Chromium on Xvfb; the bridge is main's real input relay) → the agent process (pointer through nut-js with auto-delay 0; keys by physical keycode through XTest) → X server. Latency: from the benchmark's call into the helper's browser to the moment an \`xev\` window on the sharer's screen reported the event (same clock, one machine; includes Playwright's dispatch into the helper's page and xev's output).\n\n${table}\n`,
);
console.log(`\n${table}\n\nwritten to bench/input/results.md`);

async function fetchJson(url: string, token: string): Promise<Record<string, unknown>> {
  const { request } = await import("node:https");
  return new Promise((resolve, reject) => {
    const req = request(url, { method: "POST", ca, headers: { authorization: `Bearer ${token}` } }, (res) => {
      let body = "";
      res.on("data", (c) => (body += c));
      res.on("end", () => (res.statusCode === 200 ? resolve(JSON.parse(body)) : reject(new Error(`${url}: HTTP ${res.statusCode} ${body}`))));
    });
    req.on("error", reject);
    req.end();
  });
}

async function closeQuietly(...pages: Page[]) {
  await Promise.all(pages.map((p) => p.context().close().catch(() => undefined)));
}

function xvfbVersion(): string {
  const out = spawnSync("dpkg-query", ["-W", "-f=${Version}", "xvfb"], { encoding: "utf8" });
  return out.status === 0 ? out.stdout.trim() : "?";
}
