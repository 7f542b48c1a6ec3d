import { performance } from "node:perf_hooks";
import WebSocket from "ws";
import { BrokerClient } from "../../tools/broker-client.js";
import type { BrokerProcess } from "../broker/broker-process.js";
import { openViewSession } from "../broker/view-session.js";
import { percentile, sleep } from "../broker/stats.js";
import type { PeerJsServer } from "./peerjs-server.js";

/**
 * Signaling side by side: relay latency of a small message between two
 * clients, and memory per idle connected client, for the Tandem broker and the
 * PeerJS server, each in its own process, a fresh one for each measure (so
 * neither is timed while it cleans up thousands of closed connections, nor
 * weighed with a relay's garbage), both without TLS (a proxy in front
 * terminates it in production). Tandem's clients are authenticated and
 * heartbeat every second as its protocol asks; PeerJS clients heartbeat every
 * 5 s as its client library does.
 */
export interface SignalingFigures {
  perClientBytes: Record<number, number>;
  relay: { p50: number; p99: number; p99s: number[]; delivered: number; sent: number };
}

async function inBatches<T>(n: number, make: (i: number) => Promise<T>, parallel = 200): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < n; i += parallel) out.push(...(await Promise.all(Array.from({ length: Math.min(parallel, n - i) }, (_, j) => make(i + j)))));
  return out;
}

/** Memory per idle client at each count (cumulative: 1k, then up to 5k). */
async function perClient(counts: number[], rss: () => number, connect: (n: number, from: number) => Promise<{ close(): void }[]>): Promise<Record<number, number>> {
  await sleep(1500);
  const base = rss();
  const open: { close(): void }[] = [];
  const figures: Record<number, number> = {};
  for (const count of counts) {
    open.push(...(await connect(count - open.length, open.length)));
    await sleep(3000);
    figures[count] = (rss() - base) / count;
  }
  open.forEach((c) => c.close());
  await sleep(1500);
  return figures;
}

/** Rounds of `seconds` each, after one warm-up round; a figure is the median over the rounds (one round on shared cores is noisy). */
export const RELAY_ROUNDS = 3;

async function relay(rate: number, seconds: number, send: (stamp: number) => void, onReceive: (handler: (stamp: number) => void) => void) {
  let latencies: number[] = [];
  onReceive((stamp) => latencies.push(performance.now() - stamp));
  const rounds: { p50: number; p99: number }[] = [];
  let sent = 0;
  let delivered = 0;
  // Round 0 warms up (JIT, heap growth of a fresh process) and is not counted, for either server.
  for (let round = -1; round < RELAY_ROUNDS; round++) {
    latencies = [];
    let sentThisRound = 0;
    const started = performance.now();
    // Paced by the clock, not by setInterval's granularity: as many as the rate says by now.
    while (performance.now() - started < seconds * 1000) {
      const due = Math.floor(((performance.now() - started) / 1000) * rate);
      for (; sentThisRound < due; sentThisRound++) send(performance.now());
      await sleep(1);
    }
    await sleep(500);
    if (round < 0) continue;
    rounds.push({ p50: percentile(latencies, 50), p99: percentile(latencies, 99) });
    sent += sentThisRound;
    delivered += latencies.length;
  }
  return { p50: percentile(rounds.map((r) => r.p50), 50), p99: percentile(rounds.map((r) => r.p99), 50), p99s: rounds.map((r) => r.p99), delivered, sent };
}

/** The small message relayed: an ICE candidate carrying its send time. */
const stampedCandidate = (stamp: number) => ({ candidate: `candidate:1 1 udp 2122260223 10.0.0.2 50000 typ host t=${stamp}`, sdpMid: "0", sdpMLineIndex: 0 });

/** The send time out of a relayed message of that type, read from the raw frame (no parsing in the timed path). */
function stampIn(data: Buffer, type: string): number | null {
  const text = data.toString();
  const mark = text.indexOf("t=");
  return text.includes(`"${type}"`) && mark > 0 ? Number.parseFloat(text.slice(mark + 2)) : null;
}

const tandemSignIn = (b: BrokerProcess) => (sub: string) => b.issuer.mint({ sub, name: sub }).then((token) => BrokerClient.signIn(b.wsUrl, token, { ca: b.ca }));

export function tandemIdleMemory(b: BrokerProcess, counts: number[]): Promise<Record<number, number>> {
  const signIn = tandemSignIn(b);
  return perClient(counts, () => b.rssBytes(), (n, from) => inBatches(n, (i) => signIn(`idle-${from + i}`).then((c) => ({ close: () => c.kill() }))));
}

export async function tandemRelay(b: BrokerProcess, rate: number, seconds: number): Promise<SignalingFigures["relay"]> {
  const signIn = tandemSignIn(b);
  const [helper, sharer] = await Promise.all([signIn("relay-helper"), signIn("relay-sharer")]);
  const sessionId = await openViewSession(helper, sharer);
  const figures = await relay(
    rate,
    seconds,
    (stamp) => sharer.send({ type: "signal.ice", sessionId, candidate: stampedCandidate(stamp) }),
    // The receiving client only reads the stamp, as the PeerJS one does: the test client's own protocol
    // parsing and inbox (every message kept) would otherwise run on the timed event loop and tax Tandem alone.
    (handler) => {
      helper.socket.removeAllListeners("message");
      helper.socket.on("message", (data: Buffer) => {
        const stamp = stampIn(data, "signal.ice");
        if (stamp !== null) handler(stamp);
      });
    },
  );
  helper.kill();
  sharer.kill();
  return figures;
}

/** A PeerJS client as its library behaves on the wire: open, heartbeat every 5 s. */
async function peerJsClient(server: PeerJsServer, id: string): Promise<WebSocket> {
  const socket = new WebSocket(server.url(id));
  await new Promise<void>((resolve, reject) => {
    socket.once("message", (data: Buffer) => (JSON.parse(data.toString()).type === "OPEN" ? resolve() : reject(new Error(data.toString()))));
    socket.once("error", reject);
  });
  const beat = setInterval(() => socket.readyState === WebSocket.OPEN && socket.send(JSON.stringify({ type: "HEARTBEAT" })), 5000);
  socket.once("close", () => clearInterval(beat));
  return socket;
}

export function peerJsIdleMemory(server: PeerJsServer, counts: number[]): Promise<Record<number, number>> {
  return perClient(counts, () => server.rssBytes(), (n, from) => inBatches(n, (i) => peerJsClient(server, `idle-${from + i}`).then((s) => ({ close: () => s.terminate() }))));
}

export async function peerJsRelay(server: PeerJsServer, rate: number, seconds: number): Promise<SignalingFigures["relay"]> {
  const [a, b] = await Promise.all([peerJsClient(server, "relay-a"), peerJsClient(server, "relay-b")]);
  const figures = await relay(
    rate,
    seconds,
    (stamp) => a.send(JSON.stringify({ type: "CANDIDATE", dst: "relay-b", payload: { candidate: stampedCandidate(stamp), type: "media", connectionId: "mc_1" } })),
    (handler) =>
      b.on("message", (data: Buffer) => {
        const stamp = stampIn(data, "CANDIDATE");
        if (stamp !== null) handler(stamp);
      }),
  );
  a.terminate();
  b.terminate();
  return figures;
}
