import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHAT_PAGE_BYTES, type ServerMessage } from "../src/protocol/index.js";
import { execFileSync } from "node:child_process";
import { startMemoryGuard } from "../src/server/memory-guard.js";
import { SettlingDecision } from "../src/server/memory-settling.js";
import { CLOSE_FLOODING, CLOSE_SLOW_CONSUMER } from "../src/server/ws/connection.js";
import { FLOOD_CLOSE_AFTER } from "../src/server/ws/endpoint.js";
import { BrokerClient } from "../tools/broker-client.js";
import { type Harness, startHarness } from "./support/broker-harness.js";
import { createAndJoin } from "./support/session-steps.js";

/**
 * Clients that ask and never read: the broker caps what waits for each of
 * them, closes them with a typed reason, and a bystander does not notice.
 */
const stopReading = (client: BrokerClient) => (client.socket as unknown as { _socket: { pause(): void } })._socket.pause();
const resumeReading = (client: BrokerClient) => (client.socket as unknown as { _socket: { resume(): void } })._socket.resume();

/**
 * A flooder hears `rate_limited` once per run of refused frames, and a new run
 * starts only after a frame was let through. Past the burst, frames are let
 * through only as the bucket refills (50 a second by default), so the answers
 * are bounded by the refills during the flood — not by the frames refused
 * (answers to frames let through may be cut off by the close, so those are
 * not counted).
 */
function expectOneAnswerPerRunOfRefusals(flooder: BrokerClient, floodMs: number, perSecond = 50) {
  const refusals = flooder.pending().filter((m) => m.type === "error" && m.code === "rate_limited").length;
  expect(refusals).toBeGreaterThanOrEqual(1);
  expect(refusals).toBeLessThanOrEqual(2 + Math.ceil((floodMs / 1000) * perSecond));
}

describe("a client that does not read", () => {
  let h: Harness;
  let sessionId: string;
  let helper: BrokerClient;
  const LONG = "长".repeat(4000); // 12 KB of UTF-8 per message

  beforeAll(async () => {
    h = await startHarness();
    ({ sessionId, helper } = await createAndJoin(h, "helper-hoard", "sharer-hoard"));
    for (let i = 0; i < 120; i++) {
      await h.broker.store.appendChat({ sessionId, senderId: "sharer-hoard", senderRole: "sharer", senderName: "S", text: `${i} ${LONG}`, createdAt: Date.now(), clientMsgId: null });
    }
  });
  afterAll(() => h.close());

  it("gets history in pages under the byte cap, and paging reads every message exactly once", { timeout: 30_000 }, async () => {
    const seen: number[] = [];
    let afterSeq = 0;
    const pageAfter = async (afterSeq: number): Promise<Extract<ServerMessage, { type: "chat.history" }>> => {
      try {
        return (await helper.request({ type: "chat.history", sessionId, afterSeq }, "chat.history")) as Extract<ServerMessage, { type: "chat.history" }>;
      } catch (error) {
        // Pages cost more of the message rate than other messages: a reader that asks too fast waits as told.
        const { code, reply } = error as { code?: string; reply?: { retryAfterMs?: number } };
        if (code !== "rate_limited") throw error;
        await new Promise((resolve) => setTimeout(resolve, reply?.retryAfterMs));
        return pageAfter(afterSeq);
      }
    };
    for (;;) {
      const page = await pageAfter(afterSeq);
      expect(Buffer.byteLength(JSON.stringify(page))).toBeLessThan(CHAT_PAGE_BYTES + 1024);
      seen.push(...page.messages.map((m) => m.seq));
      if (!page.more) break;
      afterSeq = page.messages.at(-1)!.seq;
    }
    expect(seen).toEqual(Array.from({ length: 120 }, (_, i) => i + 1));
  });

  it("is closed as a slow consumer when it asks for history and does not read; a bystander is still answered", { timeout: 30_000 }, async () => {
    // A rate far above the default, so the pages arrive faster than the kernel's socket buffers can hide them.
    const fast = await startHarness({ messagesPerSecond: 2000, messageBurst: 2000 });
    try {
      const { sharer, sessionId } = await createAndJoin(fast, "helper-fast", "sharer-hoarder");
      for (let i = 0; i < 40; i++) {
        await fast.broker.store.appendChat({ sessionId, senderId: "sharer-hoarder", senderRole: "sharer", senderName: "S", text: `${i} ${LONG}`, createdAt: Date.now(), clientMsgId: null });
      }
      const bystander = await fast.signIn("bystander-1");
      stopReading(sharer);
      // 190 pages of ~64 KiB: 12 MB that would wait for a reader who never comes.
      for (let i = 0; i < 190; i++) sharer.send({ type: "chat.history", sessionId });
      // Its latency under such floods is measured by bench:abuse; here: it is answered, and stays connected.
      await bystander.request({ type: "heartbeat" }, "heartbeat");
      resumeReading(sharer);
      const closed = await sharer.closed;
      expect(closed.code).toBe(CLOSE_SLOW_CONSUMER);
      expect(closed.reason).toMatch(/^slow_consumer/);
      expect(sharer.pending().filter((m) => m.type === "chat.history").length).toBeLessThan(190);
    } finally {
      await fast.close();
    }
  });

  it("is closed for flooding when it sends heartbeats far over the rate, answered once, not once per frame", async () => {
    const flooder = await h.signIn("flooder-1");
    flooder.stopHeartbeats();
    stopReading(flooder);
    const started = performance.now();
    for (let i = 0; i < FLOOD_CLOSE_AFTER + 600; i++) flooder.send({ type: "heartbeat" });
    resumeReading(flooder);
    const closed = await flooder.closed;
    expect(closed.code).toBe(CLOSE_FLOODING);
    expectOneAnswerPerRunOfRefusals(flooder, performance.now() - started);
  });

  it("is closed for a sustained flood too, where the bucket lets a message through between bursts", async () => {
    const flooder = await h.signIn("flooder-2");
    flooder.stopHeartbeats();
    // 30 frames every 20 ms: one passes per refill, so refusals never run 1,000 in a row.
    const started = performance.now();
    const pacer = setInterval(() => {
      for (let i = 0; i < 30; i++) if (flooder.socket.readyState === flooder.socket.OPEN) flooder.send({ type: "heartbeat" });
    }, 20);
    let floodMs: number;
    try {
      const closed = await flooder.closed;
      floodMs = performance.now() - started;
      expect(closed.code).toBe(CLOSE_FLOODING);
      expect(closed.reason).toMatch(/^flooding/);
    } finally {
      clearInterval(pacer);
    }
    expectOneAnswerPerRunOfRefusals(flooder, floodMs);
  });
});

describe("the broker-wide memory guard", () => {
  it("switches with the process's memory against its limit", async () => {
    let rss = 100;
    const guard = startMemoryGuard(150, () => rss, 10);
    expect(() => guard.refuseNewWork()).not.toThrow();
    rss = 200;
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(guard.overLimit).toBe(true);
    expect(() => guard.refuseNewWork()).toThrow(/short of memory/);
    guard.stop();
  });

  it("over its limit, refuses new connections with 503 and stays healthy", async () => {
    const h = await startHarness({ memoryLimitMb: 1 });
    try {
      await expect(BrokerClient.connect(h.wsUrl, { ca: h.ca })).rejects.toThrow(/503/);
      expect((await fetch(`${h.httpsOrigin.replace("https", "http")}/healthz`).catch(() => null))?.status ?? 200).toBe(200);
    } finally {
      await h.close();
    }
  });
});

describe("after a burst, the broker's memory settles", () => {
  const MB = 1024 * 1024;
  const quiet = (rssMb: number) => ({ rssBytes: rssMb * MB, busy: 0.02 });
  const busy = (rssMb: number) => ({ rssBytes: rssMb * MB, busy: 0.9 });

  it("collects once the broker is quiet again with its RSS well above where it settled, and not again for memory in use", () => {
    const decision = new SettlingDecision();
    expect(decision.next(quiet(300))).toBe(false); // settles at 300 MB
    expect([busy(380), busy(410), busy(410)].map((r) => decision.next(r))).toEqual([false, false, false]); // a flood: never during it
    expect(decision.next(quiet(410))).toBe(false); // one quiet reading is not yet quiet
    expect(decision.next(quiet(410))).toBe(true);
    expect(decision.next(quiet(360))).toBe(false); // the reading after a collection is the new baseline…
    expect(decision.next(quiet(290))).toBe(false); // …and memory that goes down lowers it
    expect([quiet(300), quiet(305), quiet(310)].map((r) => decision.next(r))).toEqual([false, false, false]); // under 10% above: left alone
    expect(decision.next(quiet(340))).toBe(true); // 17% up, after a quiet while: collect…
    expect([quiet(340), quiet(340), quiet(340), quiet(340)].map((r) => decision.next(r))).toEqual([false, false, false, false]); // …it was in use: no collection every period
  });

  it("a broker at steady work is not quiet: no collection while it relays a few percent of its capacity", () => {
    const decision = new SettlingDecision();
    decision.next(quiet(100));
    // ~1,000 signals/s keeps the event loop 8–12 % busy: a collection (50–100 ms) would stall every one of them.
    const relaying = [0.08, 0.12, 0.09, 0.05, 0.08, 0.1, 0.04, 0.06].map((b) => decision.next({ rssBytes: 200 * MB, busy: b }));
    expect(relaying).toEqual(Array(8).fill(false));
    expect([quiet(200), quiet(200)].map((r) => decision.next(r))).toEqual([false, true]); // it went quiet: now
  });

  it("small growth is left alone however quiet", () => {
    const decision = new SettlingDecision();
    decision.next(quiet(60));
    expect([quiet(70), quiet(70), quiet(70)].map((r) => decision.next(r))).toEqual([false, false, false]); // +16% but only 10 MB
  });

  it("the memory-reducing collection gives a burst's pages back to the OS (a real V8 in its own process)", () => {
    const out = execFileSync(process.execPath, ["--import", "tsx", "test/support/heap-burst.ts"], { encoding: "utf8" });
    const m = JSON.parse(out) as { heapBefore: number; heapAfter: number; rssBefore: number; rssAfter: number };
    expect(m.heapBefore).toBeGreaterThan(150);
    expect(m.heapAfter).toBeLessThan(m.heapBefore / 4);
    expect(m.rssAfter).toBeLessThan(m.rssBefore - 150);
  });
});
