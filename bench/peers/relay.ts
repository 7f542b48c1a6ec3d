import { fmt, machineFacts, numberArg } from "../broker/stats.js";
import { startPeerJsServer } from "./peerjs-server.js";
import { peerJsRelayPath, type RelayFigures, relayInAlternation, startSignalingBroker, tandemRelayPath } from "./relay-latency.js";

// `npm run bench:relay [-- --rate 1000 --seconds 5 --rounds 5 --warm-up 15]`: only bench:peers' signaling relay
// rows — the broker and the PeerJS server up at once, measured in alternation — to profile and tune the relay
// without the screen part. BENCH_BROKER_NODE_ARGS / BENCH_PEER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof"
// profile either server.
const plan = { rate: numberArg("rate", 1000), seconds: numberArg("seconds", 5), rounds: numberArg("rounds", 5), warmUpSeconds: numberArg("warm-up", 15) };

console.log(`Signaling relay, Tandem and PeerJS in alternation: ${plan.rate} msgs/s, ${plan.rounds} rounds of ${plan.seconds} s each after ${plan.warmUpSeconds} s of warm-up — ${machineFacts()}`);
const broker = await startSignalingBroker(plan.rate);
const peerJs = await startPeerJsServer();
try {
  const paths = [await tandemRelayPath(broker), await peerJsRelayPath(peerJs)];
  const [ours, theirs] = (await relayInAlternation(paths, plan)) as [RelayFigures, RelayFigures];
  paths.forEach((p) => p.close());
  const show = (r: RelayFigures) => `p50 ${fmt(r.p50, 3)} ms (rounds ${r.p50s.map((n) => fmt(n, 3)).join(" / ")}), p99 ${fmt(r.p99, 2)} ms (rounds ${r.p99s.map((n) => fmt(n, 2)).join(" / ")}), ${r.delivered} of ${r.sent} delivered`;
  console.log(`Tandem: ${show(ours)}\nPeerJS: ${show(theirs)}\nTandem / PeerJS: p50 ${fmt(ours.p50 / theirs.p50, 2)}×, p99 ${fmt(ours.p99 / theirs.p99, 2)}×`);
} finally {
  await broker.stop();
  await peerJs.stop();
}
