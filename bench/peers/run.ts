import { spawnSync } from "node:child_process";
import fs from "node:fs";
import { launchHelperBrowser } from "../../tools/chromium.js";
import { startXvfb } from "../../tools/x-display.js";
import { type BrokerProcess, brokerNodeArgs, startBrokerProcess } from "../broker/broker-process.js";
import { browserMachineFacts, fmt, markdownTable, numberArg, percentile } from "../broker/stats.js";
import type { Latencies } from "../input/pointer-and-keys.js";
import { measureAlternately, type SideFigures } from "./alternate.js";
import type { Side } from "./side.js";
import { openTimecodeWindow } from "../media/timecode-window.js";
import { type PeerJsServer, peerJsPackageVersion, startPeerJsServer } from "./peerjs-server.js";
import { peerJsRelayPath, type RelayFigures, relayInAlternation, tandemRelayPath } from "./relay-latency.js";
import { peerJsIdleMemory, tandemIdleMemory } from "./signaling.js";
import { openTandem } from "./tandem-side.js";
import { openVnc } from "./vnc-side.js";
import { ensureVncPackages } from "./vnc-peer.js";
import { xScreenAges } from "./x-screen-age.js";

// `npm run bench:peers [-- --screen-seconds 15 --rounds 3 --clicks 100 --keys 100 --rate 1000 --seconds 5]`:
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
// alternation while both stream.
const vncReady = ensureVncPackages({ install: false }); // installed beforehand by install-vnc.ts, outside the namespace
const x = await startXvfb();
const content = await openTimecodeWindow(x.display);
const helperBrowser = await launchHelperBrowser();
const run = { display: x.display, contentOrigin: content.origin, helperBrowser };
let tandem: SideFigures;
let vnc: (SideFigures & { versions: string }) | { why: string };
let onScreen: number[];
const opened: Side[] = [];
try {
  console.log("▶ the content's own lag: its time code read straight from the X screen (5 s)");
  onScreen = await xScreenAges(x.display, content.origin, 5000);
  console.log(`▶ Tandem and x11vnc + noVNC connected; screen to helper in ${ROUNDS} alternating rounds (${SCREEN_SECONDS} s each in all), then ${CLICKS} clicks and ${KEYS} keys each in blocks`);
  const ours = await openTandem(run);
  opened.push(ours);
  const theirs = vncReady.ok ? await openVnc(run) : null;
  if (theirs) opened.push(theirs);
  const figures = await measureAlternately(opened, { display: x.display, rounds: ROUNDS, seconds: SCREEN_SECONDS, clicks: CLICKS, keys: KEYS });
  tandem = figures[0]!;
  vnc = theirs ? { ...figures[1]!, versions: theirs.versions } : vncReady.ok ? { why: "not measured" } : vncReady;
} finally {
  for (const side of opened) await side.close();
  await helperBrowser.close();
  await content.close();
  x.stop();
}

// 3. Signaling. Tandem refuses more than 50 messages/s per connection by default (flood
// protection; PeerJS has none): raised for this run so the relay itself is measured at the rate.
// BENCH_BROKER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the broker.
console.log(`▶ signaling: idle clients (${COUNTS.join(", ")}), then relay latency at ${RATE} msgs/s in alternation, ${RELAY.rounds} rounds of ${SECONDS} s each after ${RELAY.warmUpSeconds} s of warm-up`);
const startBroker = () => startBrokerProcess({ TANDEM_TLS: "off", TANDEM_MESSAGES_PER_SECOND: String(RATE * 2) }, brokerNodeArgs());
const onFreshBroker = async <T>(measure: (b: BrokerProcess) => Promise<T>) => {
  const broker = await startBroker();
  return measure(broker).finally(() => broker.stop());
};
const onFreshPeerJs = async <T>(measure: (p: PeerJsServer) => Promise<T>) => {
  const server = await startPeerJsServer();
  return measure(server).finally(() => server.stop());
};
const ours = { perClientBytes: await onFreshBroker((b) => tandemIdleMemory(b, COUNTS)) } as { perClientBytes: Record<number, number>; relay: RelayFigures };
const theirs = { perClientBytes: await onFreshPeerJs((p) => peerJsIdleMemory(p, COUNTS)) } as { perClientBytes: Record<number, number>; relay: RelayFigures };
await onFreshBroker((broker) =>
  onFreshPeerJs(async (peerJs) => {
    const paths = [await tandemRelayPath(broker), await peerJsRelayPath(peerJs)];
    [ours.relay, theirs.relay] = (await relayInAlternation(paths, RELAY)) as [RelayFigures, RelayFigures];
    paths.forEach((p) => p.close());
  }),
);
const peerJsVersion = peerJsPackageVersion();

const rows: string[][] = [];
const ratio = (a: number, b: number) => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? fmt(a / b, 2) : "n/a");
/** A row with both systems' figures: `value` for the ratio, `show` for the cells; the peer's cell says why when it was not measured. */
const compare = (what: string, value: (v: SideFigures) => number, show: (v: SideFigures) => string, target: string) =>
  rows.push([what, show(tandem), "why" in vnc ? vnc.why : show(vnc), "why" in vnc ? "n/a" : ratio(value(tandem), value(vnc)), target]);
const ms = (n: number) => `${fmt(n, 0)} ms`;
const misses = (l: Latencies) => (l.missed ? ` (${l.missed} not seen within 2 s)` : "");
const latency = (pick: (v: SideFigures) => Latencies, p: number) => [(v: SideFigures) => percentile(pick(v).samples, p), (v: SideFigures) => `${ms(percentile(pick(v).samples, p))}${misses(pick(v))}`] as const;
const cpu = (v: SideFigures) => Object.values(v.screen.cpu).reduce((a, b) => a + b, 0);
const cpuParts = (v: SideFigures) => Object.entries(v.screen.cpu).map(([name, s]) => `${name} ${fmt(s, 2)}`).join(" + ");

rows.push(["Baseline for both: time code age on the sharer's X screen itself, p50 / p99 (the content window's own drawing)", `${ms(percentile(onScreen, 50))} / ${ms(percentile(onScreen, 99))}`, "the same screen", "—", "—"]);
compare("Screen to helper: frames per second shown (1920x1080, changing content)", (v) => v.screen.fps, (v) => fmt(v.screen.fps, 1), "≥ 1");
compare(`Screen to helper: glass-to-glass latency p50 (median of ${ROUNDS} windows)`, (v) => v.screen.p50, (v) => ms(v.screen.p50), "≤ 1");
compare(`Screen to helper: glass-to-glass latency p99 (median of ${ROUNDS} windows)`, (v) => v.screen.p99, (v) => `${ms(v.screen.p99)} (windows ${v.screen.p99s.map((n) => fmt(n, 0)).join(" / ")})`, "≤ 1");
compare("Screen to helper: bandwidth (bytes received per second)", (v) => v.screen.mbitPerSecond, (v) => `${fmt(v.screen.mbitPerSecond, 2)} Mbit/s`, "≤ 1");
compare("Screen to helper: sharer-side CPU seconds per second of session", cpu, (v) => `${fmt(cpu(v), 2)} (${cpuParts(v)})`, "—");
compare("Input: click → X ButtonPress, p50", ...latency((v) => v.clicks, 50), "—");
compare("Input: click → X ButtonPress, p99", ...latency((v) => v.clicks, 99), "≤ 1");
compare("Input: key press → X KeyPress, p50", ...latency((v) => v.keys, 50), "—");
compare("Input: key press → X KeyPress, p99", ...latency((v) => v.keys, 99), "≤ 1");
for (const count of COUNTS) rows.push([`Signaling: server memory per idle connected client, ${count.toLocaleString("en")} clients`, kb(ours.perClientBytes[count]!), kb(theirs.perClientBytes[count]!), ratio(ours.perClientBytes[count]!, theirs.perClientBytes[count]!), "≤ 1"]);
const rounds = (values: number[], digits: number) => values.map((v) => fmt(v, digits)).join(" / ");
const relayRow = (p: "p50" | "p99", digits: number, target: string) =>
  rows.push([
    `Signaling: relay latency ${p}, ${RATE} msgs/s between two clients (median of ${RELAY.rounds} rounds in alternation after ${RELAY.warmUpSeconds} s of warm-up)`,
    `${fmt(ours.relay[p], digits)} ms (rounds ${rounds(ours.relay[`${p}s`], digits)})`,
    `${fmt(theirs.relay[p], digits)} ms (rounds ${rounds(theirs.relay[`${p}s`], digits)})`,
    ratio(ours.relay[p], theirs.relay[p]),
    target,
  ]);
relayRow("p50", 3, "≤ 1");
relayRow("p99", 2, "≤ 1");
rows.push(["Signaling: messages delivered", `${ours.relay.delivered} of ${ours.relay.sent}`, `${theirs.relay.delivered} of ${theirs.relay.sent}`, "—", "all"]);

const table = markdownTable(["Measure", "Tandem", "Peer", "Tandem / peer", "Target"], rows);
const minutes = fmt((Date.now() - started) / 60_000, 1);
const versions = `Peers: ${"why" in vnc ? vnc.why : vnc.versions}; PeerJS server ${peerJsVersion} (npm \`peer\`)`;
const command = `npm run bench:peers -- --screen-seconds ${SCREEN_SECONDS} --rounds ${ROUNDS} --clicks ${CLICKS} --keys ${KEYS} --rate ${RATE} --seconds ${SECONDS}`;
fs.writeFileSync(
  "bench/peers/results.md",
  `# Side by side with the tools help desks use today

Command: \`${command}\` (as root: it enters a private network namespace and installs the Debian packages it misses); the whole run took ${minutes} min. Machine: ${await browserMachineFacts()}. ${new Date().toISOString().slice(0, 10)}. ${versions}.

${table}

How each figure is taken, alike for both systems:
- **Screen**: one Xvfb screen (1920x1080) showing a window with a box that moves every frame and a 44-bit millisecond time code. Tandem: the sharer page in desktop mode (headed Chromium capturing the screen) → WebRTC inside a private network namespace → the console in headless Chromium. Peer: x11vnc (Debian defaults, plus loopback only, no password, no name lookups) → websockify → noVNC's \`vnc_lite.html\` (its defaults: Tight encoding, JPEG quality 6) in the same headless Chromium. Both systems are connected and streaming the whole time and are measured in alternation: ${ROUNDS} windows each of ${fmt(SCREEN_SECONDS / ROUNDS, 1)} s, the order flipped each round, so both see the same machine load. In each helper page the same script samples what the page shows (Tandem's console: its \`<video>\` of frames decoded as received, else its first \`<video>\`; noVNC: its \`<canvas>\`) at every display refresh, decodes the time code and counts a frame when it changed; glass-to-glass = the helper's clock minus the time code (one machine, one clock). Bandwidth: Tandem, the bytes the helper's WebRTC transport received (SRTP, SCTP, DTLS); noVNC, the bytes its WebSocket received. Sharer-side CPU: user + system time from /proc over the windows for the process trees named (Tandem: the sharer's browser with all its processes, and the input agent; the peer: x11vnc and websockify).
- **Where Tandem's time goes** (its own WebRTC statistics over the window, then 5 s of stage probes: MediaStreamTrackProcessor on clones of the sharer's captured track and the helper's received track; the key-press split from time stamps in both pages): ${tandem.detail}.
- **Input**: a window on the sharer's screen (xev) records what the X server delivers. From the benchmark's call into the helper's page (Playwright) to the X event: a mouse button press (the pointer already moved there) and a key press, one at a time, in ${ROUNDS} alternating blocks per system (each block starts with a click on the window through that system, which gives it the keyboard). Tandem: console → WebRTC data channels → sharer page → the bridge → the agent (XTest). The bridge is the app's real preload and main's real relay, with a WebSocket on loopback between them where the app has Electron's IPC (the Electron binary cannot run on this machine; no DevTools round trip in the path). noVNC: RFB pointer/key events over its WebSocket → websockify → x11vnc (XTest).
- **Signaling**: each server in its own process without TLS, a fresh one for the relay and another for memory (neither timed while cleaning up thousands of closed connections); relay latency from the sender's stamp to the receiving client's socket, where both receiving clients only read the stamp, with both servers up and measured in alternation (one ${RELAY.seconds}-second round each in turn, after each was warmed up at the same rate for ${RELAY.warmUpSeconds} s: a freshly started broker carries its start-up collections for its first ~15 s, which a shorter warm-up measured as relay time); memory is the process's RSS growth divided by the clients connected. Tandem clients are authenticated and heartbeat every second; PeerJS clients every 5 s, as their libraries do. Tandem's per-connection flood limit (50 messages/s by default) is raised for this run (\`TANDEM_MESSAGES_PER_SECOND=${RATE * 2}\`).
`,
);
console.log(`\n${table}\n\nWhere Tandem's time goes: ${tandem.detail}\n${versions}\nwritten to bench/peers/results.md (${minutes} min)`);

function kb(bytes: number) {
  return `${fmt(bytes / 1024, 1)} KB`;
}
