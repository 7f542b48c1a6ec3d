import { performance } from "node:perf_hooks";
import { type BrokerProcess, brokerNodeArgs, startBrokerProcess } from "../broker/broker-process.js";
import { openViewSession } from "../broker/view-session.js";
import { percentile, sleep } from "../broker/stats.js";
import type { PeerJsServer } from "./peerjs-server.js";
import { peerJsClient, tandemSignIn } from "./signaling.js";

/**
 * Relay latency of a small signaling message between two clients, from the
 * sender's stamp to the receiving client's socket, for several servers running
 * at once and measured in alternation (one round each in turn, the order kept):
 * the machine's pauses and steal time then fall on both alike. Each server is
 * first warmed up at the same rate for as long as it takes a freshly started
 * process to settle (its JIT tiers and the heap V8 shrinks after start-up:
 * bench:relay saw the broker's first ~15 s carry its start-up collections).
 */
export interface RelayPath {
  send(stamp: number): void;
  /** Calls `handler` with the stamp of every relayed message the receiving client reads. */
  onReceive(handler: (stamp: number) => void): void;
  close(): void;
}

export interface RelayFigures {
  p50: number;
  p99: number;
  p50s: number[];
  p99s: number[];
  delivered: number;
  sent: number;
}

export interface RelayPlan {
  rate: number;
  seconds: number;
  rounds: number;
  warmUpSeconds: number;
}

export async function relayInAlternation(paths: RelayPath[], plan: RelayPlan): Promise<RelayFigures[]> {
  const runs = paths.map((path) => {
    const run = { latencies: [] as number[], rounds: [] as { p50: number; p99: number }[], sent: 0, delivered: 0 };
    path.onReceive((stamp) => run.latencies.push(performance.now() - stamp));
    return run;
  });
  for (const path of paths) await paced(path, plan.rate, plan.warmUpSeconds);
  for (let round = 0; round < plan.rounds; round++) {
    for (const [i, path] of paths.entries()) {
      const run = runs[i]!;
      run.latencies = [];
      run.sent += await paced(path, plan.rate, plan.seconds);
      run.rounds.push({ p50: percentile(run.latencies, 50), p99: percentile(run.latencies, 99) });
      run.delivered += run.latencies.length;
    }
  }
  return runs.map(({ rounds, sent, delivered }) => ({
    p50: percentile(rounds.map((r) => r.p50), 50),
    p99: percentile(rounds.map((r) => r.p99), 50),
    p50s: rounds.map((r) => r.p50),
    p99s: rounds.map((r) => r.p99),
    delivered,
    sent,
  }));
}

/** Sends at `rate` for `seconds`, paced by the clock (not setInterval's granularity), then waits for the stragglers; returns how many it sent. */
async function paced(path: RelayPath, rate: number, seconds: number): Promise<number> {
  let sent = 0;
  const started = performance.now();
  while (performance.now() - started < seconds * 1000) {
    const due = Math.floor(((performance.now() - started) / 1000) * rate);
    for (; sent < due; sent++) path.send(performance.now());
    await sleep(1);
  }
  await sleep(500);
  return sent;
}

/** The small message relayed: an ICE candidate carrying its send time. */
const stampedCandidate = (stamp: number) => ({ candidate: `candidate:1 1 udp 2122260223 10.0.0.2 50000 typ host t=${stamp}`, sdpMid: "0", sdpMLineIndex: 0 });

/** The send time out of a relayed message of that type, read from the raw frame (no parsing in the timed path). */
function stampIn(data: Buffer, type: string): number | null {
  const text = data.toString();
  const mark = text.indexOf("t=");
  return text.includes(`"${type}"`) && mark > 0 ? Number.parseFloat(text.slice(mark + 2)) : null;
}

/**
 * The broker as the signaling rows measure it: without TLS (a proxy terminates it, as PeerJS's would be), and with
 * its per-connection flood limit (50 messages/s by default; PeerJS has none) raised above the rate measured.
 */
export const startSignalingBroker = (rate: number): Promise<BrokerProcess> =>
  startBrokerProcess({ TANDEM_TLS: "off", TANDEM_MESSAGES_PER_SECOND: String(rate * 2) }, brokerNodeArgs());

/** Two signed-in clients of one session on the broker: the sharer sends ICE candidates, the helper receives them. */
export async function tandemRelayPath(b: BrokerProcess): Promise<RelayPath> {
  const signIn = tandemSignIn(b);
  const [helper, sharer] = await Promise.all([signIn("relay-helper"), signIn("relay-sharer")]);
  const sessionId = await openViewSession(helper, sharer);
  return {
    send: (stamp) => sharer.send({ type: "signal.ice", sessionId, candidate: stampedCandidate(stamp) }),
    // The receiving client only reads the stamp, as the PeerJS one does: the test client's own protocol
    // parsing and inbox (every message kept) would otherwise run on the timed event loop and tax Tandem alone.
    onReceive(handler) {
      helper.socket.removeAllListeners("message");
      helper.socket.on("message", (data: Buffer) => {
        const stamp = stampIn(data, "signal.ice");
        if (stamp !== null) handler(stamp);
      });
    },
    close() {
      helper.kill();
      sharer.kill();
    },
  };
}

/** Two PeerJS clients; one sends candidates to the other, as its library does. */
export async function peerJsRelayPath(server: PeerJsServer): Promise<RelayPath> {
  const [a, b] = await Promise.all([peerJsClient(server, "relay-a"), peerJsClient(server, "relay-b")]);
  return {
    send: (stamp) => a.send(JSON.stringify({ type: "CANDIDATE", dst: "relay-b", payload: { candidate: stampedCandidate(stamp), type: "media", connectionId: "mc_1" } })),
    onReceive(handler) {
      b.on("message", (data: Buffer) => {
        const stamp = stampIn(data, "CANDIDATE");
        if (stamp !== null) handler(stamp);
      });
    },
    close() {
      a.terminate();
      b.terminate();
    },
  };
}
