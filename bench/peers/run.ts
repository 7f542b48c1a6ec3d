import { spawnSync } from "node:child_process";
import fs from "node:fs";
import { launchHelperBrowser } from "../../tools/chromium.js";
import { startXvfb } from "../../tools/x-display.js";
import type { BrokerProcess } from "../broker/broker-process.js";
import { browserMachineFacts, fmt, markdownTable, medianRun, numberArg, percentile } from "../broker/stats.js";
import { measureAlternately, type SideFigures } from "./alternate.js";
import type { Side } from "./side.js";
import { openTimecodeWindow } from "../media/timecode-window.js";
import { type PeerJsServer, peerJsPackageVersion, startPeerJsServer } from "./peerjs-server.js";
import { peerJsRelayPath, type RelayFigures, relayInAlternation, startSignalingBroker, tandemRelayPath } from "./relay-latency.js";
import { peerJsIdleMemory, tandemIdleMemory } from "./signaling.js";
import { openTandem } from "./tandem-side.js";
import { openVnc } from "./vnc-side.js";
import { ensureVncPackages } from "./vnc-peer.js";
import { xScreenAges } from "./x-screen-age.js";

// `npm run bench:peers [-- --runs 3 --screen-seconds 15 --rounds 3 --clicks 100 --keys 100 --rate 1000 --seconds 5 --relay-rounds 5 --warm-up 15]`:
// Tandem side by side with the tools help desks use today, in one run on this machine:
// 1-2. screen to helper and input to screen against x11vnc + noVNC, on one 1920x1080 Xvfb
// screen showing the same changing content (a moving box and a millisecond time code);
// 3. signaling against the PeerJS server. Every figure is measured in this run; nothing is
// copied in. Prints the table and writes bench/peers/results.md.
const SCREEN_SECONDS = numberArg("screen-seconds", 15); // per system, in all
const ROUNDS = numberArg("rounds", 3); // alternating screen windows, and input blocks, per system
const CLICKS = numberArg("clicks", 100);
const KEYS = numberArg("keys", 100);
const COUNTS = [1000, 5000];
const RATE = numberArg("rate", 1000);
const SECONDS = numberArg("seconds", 5); // per relay round
const RELAY = { rate: RATE, seconds: SECONDS, rounds: numberArg("relay-rounds", 5), warmUpSeconds: numberArg("warm-up", 15) };

if (process.env.TANDEM_NETNS !== "1") {
  console.error("Run through `npm run bench:peers` (it enters a private network namespace; Chromium gathers no ICE candidates on loopback alone).");
  process.exit(2);
}
if (!fs.existsSync("dist/web/console/index.html")) spawnSync("npx", ["vite", "build", "--logLevel", "warn"], { stdio: "inherit" });
const started = Date.now();

// 1-2. Screen and input: both systems connected to the same screen and content, measured in
// alternation while both stream; 3. signaling. The whole of it --runs times; every row is the
// median over the runs, each run listed.
const RUNS = numberArg("runs", 3);
const vncReady = ensureVncPackages({ install: false }); // installed beforehand by install-vnc.ts, outside the namespace
type Vnc = (SideFigures & { versions: string }) | { why: string };
interface Signaling {
  perClientBytes: Record<number, number>;
  relay: RelayFigures;
}
interface Run {
  onScreen: number[];
  tandem: SideFigures;
  vnc: Vnc;
  ours: Signaling;
  theirs: Signaling;
}

async function screenAndInput(): Promise<Pick<Run, "onScreen" | "tandem" | "vnc">> {
  const x = await startXvfb();
  const content = await openTimecodeWindow(x.display);
  const helperBrowser = await launchHelperBrowser();
  const run = { display: x.display, contentOrigin: content.origin, helperBrowser };
  const opened: Side[] = [];
  try {
    console.log("▶ the content's own lag: its time code read straight from the X screen (5 s)");
    const onScreen = await xScreenAges(x.display, content.origin, 5000);
    console.log(`▶ Tandem and x11vnc + noVNC connected; screen to helper in ${ROUNDS} alternating rounds (${SCREEN_SECONDS} s each in all), then ${CLICKS} clicks and ${KEYS} keys each in blocks`);
    opened.push(await openTandem(run));
    const theirs = vncReady.ok ? await openVnc(run) : null;
    if (theirs) opened.push(theirs);
    const figures = await measureAlternately(opened, { display: x.display, rounds: ROUNDS, seconds: SCREEN_SECONDS, clicks: CLICKS, keys: KEYS });
    return { onScreen, tandem: figures[0]!, vnc: theirs ? { ...figures[1]!, versions: theirs.versions } : vncReady.ok ? { why: "not measured" } : vncReady };
  } finally {
    for (const side of opened) await side.close();
    await helperBrowser.close();
    await content.close();
    x.stop();
  }
}

// 3. Signaling. Tandem refuses more than 50 messages/s per connection by default (flood
// protection; PeerJS has none): raised for this run so the relay itself is measured at the rate.
// BENCH_BROKER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the broker.
async function signaling(): Promise<Pick<Run, "ours" | "theirs">> {
  console.log(`▶ signaling: idle clients (${COUNTS.join(", ")}), then relay latency at ${RATE} msgs/s in alternation, ${RELAY.rounds} rounds of ${SECONDS} s each after ${RELAY.warmUpSeconds} s of warm-up`);
  const onFreshBroker = async <T>(measure: (b: BrokerProcess) => Promise<T>) => {
    const broker = await startSignalingBroker(RATE);
    return measure(broker).finally(() => broker.stop());
  };
  const onFreshPeerJs = async <T>(measure: (p: PeerJsServer) => Promise<T>) => {
    const server = await startPeerJsServer();
    return measure(server).finally(() => server.stop());
  };
  const ourMemory = await onFreshBroker((b) => tandemIdleMemory(b, COUNTS));
  const theirMemory = await onFreshPeerJs((p) => peerJsIdleMemory(p, COUNTS));
  const [ourRelay, theirRelay] = await onFreshBroker((broker) =>
    onFreshPeerJs(async (peerJs) => {
      const paths = [await tandemRelayPath(broker), await peerJsRelayPath(peerJs)];
      const figures = (await relayInAlternation(paths, RELAY)) as [RelayFigures, RelayFigures];
      paths.forEach((p) => p.close());
      return figures;
    }),
  );
  return { ours: { perClientBytes: ourMemory, relay: ourRelay }, theirs: { perClientBytes: theirMemory, relay: theirRelay } };
}

const runs: Run[] = [];
for (let i = 1; i <= RUNS; i++) {
  console.log(`▶▶ run ${i} of ${RUNS}`);
  runs.push({ ...(await screenAndInput()), ...(await signaling()) });
}
const peerJsVersion = peerJsPackageVersion();
/** The run whose glass-to-glass p50 is the median: its stage split is the one written out. */
const { tandem, vnc } = medianRun(runs, (r) => r.tandem.screen.p50);

const rows: string[][] = [];
const median = (values: number[]) => percentile(values, 50);
const cell = (values: number[], show: (n: number) => string) => (values.length === 1 ? show(values[0]!) : `${show(median(values))} (runs ${values.map(show).join(" / ")})`);
/**
 * A row with both systems' figures, one per run: each cell the median over the runs, the ratio the median of each
 * run's own ratio (both measured in alternation within a run); the peer's cells say why when it was not measured.
 */
const row = (what: string, ours: (r: Run) => number, theirs: ((r: Run) => number) | string, show: (n: number) => string, target: string) => {
  const a = runs.map(ours);
  const b = typeof theirs === "string" ? null : runs.map(theirs);
  const ratios = b ? a.map((x, i) => x / b[i]!) : [];
  rows.push([what, cell(a, show), b ? cell(b, show) : (theirs as string), b && ratios.every(Number.isFinite) ? cell(ratios, (n) => fmt(n, 2)) : "n/a", target]);
};
const peer = (pick: (v: SideFigures) => number): ((r: Run) => number) | string => ("why" in runs[0]!.vnc ? runs[0]!.vnc.why : (r) => pick(r.vnc as SideFigures));
const compare = (what: string, pick: (v: SideFigures) => number, show: (n: number) => string, target: string) => row(what, (r) => pick(r.tandem), peer(pick), show, target);
const ms = (n: number) => `${fmt(n, 0)} ms`;
const cpu = (v: SideFigures) => Object.values(v.screen.cpu).reduce((a, b) => a + b, 0);
const cpuParts = (v: SideFigures) => Object.entries(v.screen.cpu).map(([name, s]) => `${name} ${fmt(s, 2)}`).join(" + ");
const missed = runs.reduce((n, r) => n + r.tandem.clicks.missed + r.tandem.keys.missed, 0);

row("Baseline for both: time code age on the sharer's X screen itself, p50 (the content window's own drawing)", (r) => percentile(r.onScreen, 50), "the same screen", ms, "—");
row("Baseline for both: time code age on the sharer's X screen itself, p99", (r) => percentile(r.onScreen, 99), "the same screen", ms, "—");
compare("Screen to helper: frames per second shown (1920x1080, changing content)", (v) => v.screen.fps, (n) => fmt(n, 1), "≥ 1");
compare(`Screen to helper: glass-to-glass latency p50 (each run: median of ${ROUNDS} windows)`, (v) => v.screen.p50, ms, "≤ 1");
compare(`Screen to helper: glass-to-glass latency p99 (each run: median of ${ROUNDS} windows)`, (v) => v.screen.p99, ms, "≤ 1");
compare("Screen to helper: bandwidth (Mbit/s received)", (v) => v.screen.mbitPerSecond, (n) => fmt(n, 2), "≤ 1");
compare(`Screen to helper: sharer-side CPU seconds per second of session (Tandem, run by run: ${runs.map((r) => cpuParts(r.tandem)).join("; ")}${"why" in vnc ? "" : `; peer: ${runs.map((r) => cpuParts(r.vnc as SideFigures)).join("; ")}`})`, cpu, (n) => fmt(n, 2), "—");
compare("Input: click → X ButtonPress, p50", (v) => percentile(v.clicks.samples, 50), ms, "—");
compare("Input: click → X ButtonPress, p99", (v) => percentile(v.clicks.samples, 99), ms, "≤ 1");
compare("Input: key press → X KeyPress, p50", (v) => percentile(v.keys.samples, 50), ms, "—");
compare(`Input: key press → X KeyPress, p99${missed ? ` (${missed} clicks or keys not seen within 2 s)` : ""}`, (v) => percentile(v.keys.samples, 99), ms, "≤ 1");
for (const count of COUNTS) row(`Signaling: server memory per idle connected client, ${count.toLocaleString("en")} clients`, (r) => r.ours.perClientBytes[count]!, (r) => r.theirs.perClientBytes[count]!, kb, "≤ 1");
for (const [p, digits] of [["p50", 3], ["p99", 2]] as const) {
  row(`Signaling: relay latency ${p}, ${RATE} msgs/s between two clients (each run: median of ${RELAY.rounds} rounds in alternation after ${RELAY.warmUpSeconds} s of warm-up)`, (r) => r.ours.relay[p], (r) => r.theirs.relay[p], (n) => `${fmt(n, digits)} ms`, "≤ 1");
}
const delivered = (s: (r: Run) => Signaling) => `${runs.reduce((n, r) => n + s(r).relay.delivered, 0)} of ${runs.reduce((n, r) => n + s(r).relay.sent, 0)}`;
rows.push(["Signaling: messages delivered (all runs)", delivered((r) => r.ours), delivered((r) => r.theirs), "—", "all"]);

const table = markdownTable(["Measure", "Tandem", "Peer", "Tandem / peer", "Target"], rows);
const minutes = fmt((Date.now() - started) / 60_000, 1);
const versions = `Peers: ${"why" in vnc ? vnc.why : vnc.versions}; PeerJS server ${peerJsVersion} (npm \`peer\`)`;
const command = `npm run bench:peers -- --runs ${RUNS} --screen-seconds ${SCREEN_SECONDS} --rounds ${ROUNDS} --clicks ${CLICKS} --keys ${KEYS} --rate ${RATE} --seconds ${SECONDS} --relay-rounds ${RELAY.rounds} --warm-up ${RELAY.warmUpSeconds}`;
fs.writeFileSync(
  "bench/peers/results.md",
  `# Side by side with the tools help desks use today

Command: \`${command}\` (as root: it enters a private network namespace and installs the Debian packages it misses); the whole benchmark took ${minutes} min; every figure is the median over the ${RUNS} runs, each run listed (a ratio: the median of each run's own ratio). Machine: ${await browserMachineFacts()}. ${new Date().toISOString().slice(0, 10)}. ${versions}.

${table}

How each figure is taken, alike for both systems:
- **Screen**: one Xvfb screen (1920x1080) showing a window with a box that moves every frame and a 44-bit millisecond time code. Tandem: the sharer page in desktop mode (headed Chromium capturing the screen) → WebRTC inside a private network namespace → the console in headless Chromium. Peer: x11vnc (Debian defaults, plus loopback only, no password, no name lookups) → websockify → noVNC's \`vnc_lite.html\` (its defaults: Tight encoding, JPEG quality 6) in the same headless Chromium. Both systems are connected and streaming the whole time and are measured in alternation: ${ROUNDS} windows each of ${fmt(SCREEN_SECONDS / ROUNDS, 1)} s, the order flipped each round, so both see the same machine load. In each helper page the same script samples what the page shows (Tandem's console: its \`<video>\` of frames decoded as received, else its first \`<video>\`; noVNC: its \`<canvas>\`) at every display refresh, decodes the time code and counts a frame when it changed; glass-to-glass = the helper's clock minus the time code (one machine, one clock). Bandwidth: Tandem, the bytes the helper's WebRTC transport received (SRTP, SCTP, DTLS); noVNC, the bytes its WebSocket received. Sharer-side CPU: user + system time from /proc over the windows for the process trees named (Tandem: the sharer's browser with all its processes, and the input agent; the peer: x11vnc and websockify).
- **Where Tandem's time goes** (of the run with the median glass-to-glass p50; its own WebRTC statistics over the window, then 5 s of stage probes: MediaStreamTrackProcessor on clones of the sharer's captured track and the helper's received track; the key-press split from time stamps in both pages): ${tandem.detail}.
- **Input**: a window on the sharer's screen (xev) records what the X server delivers. From the benchmark's call into the helper's page (Playwright) to the X event: a mouse button press (the pointer already moved there) and a key press, one at a time, in ${ROUNDS} alternating blocks per system (each block starts with a click on the window through that system, which gives it the keyboard). Tandem: console → WebRTC data channels → sharer page → the bridge → the agent (XTest). The bridge is the app's real preload and main's real relay, with a WebSocket on loopback between them where the app has Electron's IPC (the Electron binary cannot run on this machine; no DevTools round trip in the path). noVNC: RFB pointer/key events over its WebSocket → websockify → x11vnc (XTest).
- **Signaling**: each server in its own process without TLS, a fresh one for the relay and another for memory (neither timed while cleaning up thousands of closed connections); relay latency from the sender's stamp to the receiving client's socket, where both receiving clients only read the stamp, with both servers up and measured in alternation (one ${RELAY.seconds}-second round each in turn, after each was warmed up at the same rate for ${RELAY.warmUpSeconds} s: a freshly started broker carries its start-up collections for its first ~15 s, which a shorter warm-up measured as relay time); memory is the process's RSS growth divided by the clients connected. Tandem clients are authenticated and heartbeat every second; PeerJS clients every 5 s, as their libraries do. Tandem's per-connection flood limit (50 messages/s by default) is raised for this run (\`TANDEM_MESSAGES_PER_SECOND=${RATE * 2}\`).
`,
);
console.log(`\n${table}\n\nWhere Tandem's time goes: ${tandem.detail}\n${versions}\nwritten to bench/peers/results.md (${minutes} min)`);

function kb(bytes: number) {
  return `${fmt(bytes / 1024, 1)} KB`;
}
