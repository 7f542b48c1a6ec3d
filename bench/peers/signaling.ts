import WebSocket from "ws";
import { BrokerClient } from "../../tools/broker-client.js";
import type { BrokerProcess } from "../broker/broker-process.js";
import { sleep } from "../broker/stats.js";
import type { PeerJsServer } from "./peerjs-server.js";

/**
 * Signaling side by side: memory per idle connected client (relay latency is
 * in relay-latency.ts) for the Tandem broker and the PeerJS server, each in
 * its own process, a fresh one for each measure (so neither is timed while it
 * cleans up thousands of closed connections, nor weighed with a relay's
 * garbage), both without TLS (a proxy in front
 * terminates it in production). Tandem's clients are authenticated and
 * heartbeat every second as its protocol asks; PeerJS clients heartbeat every
 * 5 s as its client library does.
 */
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

export const tandemSignIn = (b: BrokerProcess) => (sub: string) => b.issuer.mint({ sub, name: sub }).then((token) => BrokerClient.signIn(b.wsUrl, token, { ca: b.ca }));

export function tandemIdleMemory(b: BrokerProcess, counts: number[]): Promise<Record<number, number>> {
  const signIn = tandemSignIn(b);
  return perClient(counts, () => b.rssBytes(), (n, from) => inBatches(n, (i) => signIn(`idle-${from + i}`).then((c) => ({ close: () => c.kill() }))));
}

/** A PeerJS client as its library behaves on the wire: open, heartbeat every 5 s. */
export async function peerJsClient(server: PeerJsServer, id: string): Promise<WebSocket> {
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
