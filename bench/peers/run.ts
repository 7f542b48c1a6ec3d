import os from "node:os";
import fs from "node:fs";
import { startBrokerProcess } from "../broker/broker-process.js";
import { fmt, markdownTable, numberArg } from "../broker/stats.js";
import { startPeerJsServer } from "./peerjs-server.js";
import { peerJsSignaling, RELAY_ROUNDS, tandemSignaling } from "./signaling.js";

// `npm run bench:peers [-- --rate 1000 --seconds 5]`: Tandem side by side with the tools help
// desks use today, measured in one run on this machine. Built so far: signaling (Tandem broker
// vs the PeerJS server). Still to build (issue 8): screen to helper and input to screen against
// x11vnc + noVNC. Every figure below is measured in this run; nothing is copied in.
const COUNTS = [1000, 5000];
const RATE = numberArg("rate", 1000);
const SECONDS = numberArg("seconds", 5); // per relay round

const rows: string[][] = [];
const ratio = (ours: number, theirs: number) => (Number.isFinite(ours) && Number.isFinite(theirs) && theirs > 0 ? fmt(ours / theirs, 2) : "n/a");
const kb = (bytes: number) => `${fmt(bytes / 1024, 1)} KB`;

console.log(`▶ signaling: idle clients (${COUNTS.join(", ")}) and relay latency at ${RATE} msgs/s for ${SECONDS} s`);
// Tandem refuses more than 50 messages/s per connection by default (flood protection; PeerJS has none):
// raised for this run so the relay itself is what is measured at 1,000/s.
// BENCH_BROKER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the broker.
const broker = await startBrokerProcess({ TANDEM_TLS: "off", TANDEM_MESSAGES_PER_SECOND: String(RATE * 2) }, process.env.BENCH_BROKER_NODE_ARGS?.split(" ").filter(Boolean) ?? []);
const tandem = await tandemSignaling(broker, COUNTS, RATE, SECONDS).finally(() => broker.stop());
const peerjs = await startPeerJsServer();
const peer = await peerJsSignaling(peerjs, COUNTS, RATE, SECONDS).finally(() => peerjs.stop());

for (const count of COUNTS) rows.push([`Signaling: server memory per idle connected client, ${count.toLocaleString("en")} clients`, kb(tandem.perClientBytes[count]!), kb(peer.perClientBytes[count]!), ratio(tandem.perClientBytes[count]!, peer.perClientBytes[count]!), "≤ 1"]);
const rounds = (p99s: number[]) => p99s.map((v) => fmt(v, 2)).join(" / ");
rows.push([`Signaling: relay latency p50, ${RATE} msgs/s between two clients (median of ${RELAY_ROUNDS} rounds)`, `${fmt(tandem.relay.p50, 2)} ms`, `${fmt(peer.relay.p50, 2)} ms`, ratio(tandem.relay.p50, peer.relay.p50), "—"]);
rows.push([`Signaling: relay latency p99, ${RATE} msgs/s between two clients (median of ${RELAY_ROUNDS} rounds)`, `${fmt(tandem.relay.p99, 2)} ms (rounds ${rounds(tandem.relay.p99s)})`, `${fmt(peer.relay.p99, 2)} ms (rounds ${rounds(peer.relay.p99s)})`, ratio(tandem.relay.p99, peer.relay.p99), "≤ 1"]);
rows.push(["Signaling: messages delivered", `${tandem.relay.delivered} of ${tandem.relay.sent}`, `${peer.relay.delivered} of ${peer.relay.sent}`, "—", "all"]);
for (const what of ["Screen to helper (fps, glass-to-glass, bandwidth, sharer CPU) vs x11vnc + noVNC", "Input to screen (click / key → X event) vs noVNC"]) rows.push([what, "not built yet", "not built yet", "—", "issue 8"]);

const table = markdownTable(["Measure", "Tandem", "Peer", "Tandem / peer", "Target"], rows);
const machine = `${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
fs.writeFileSync(
  "bench/peers/results.md",
  `# Side by side with peers (partial: signaling only)\n\nCommand: \`npm run bench:peers -- --rate ${RATE} --seconds ${SECONDS}\`. Machine: ${machine}. ${new Date().toISOString().slice(0, 10)}. Peer: PeerJS server ${peerjs.version} (npm \`peer\`), in its own process like the Tandem broker; both without TLS, memory is the server process's RSS growth divided by the clients connected. Tandem clients are authenticated and heartbeat every second; PeerJS clients every 5 s, as their libraries do. Tandem's per-connection flood limit (50 messages/s by default, the rest refused with a typed error) is raised for this run (\`TANDEM_MESSAGES_PER_SECOND=${RATE * 2}\`) so the relay is measured at the same rate.\n\n${table}\n`,
);
console.log(`\n${table}\n\nwritten to bench/peers/results.md`);
