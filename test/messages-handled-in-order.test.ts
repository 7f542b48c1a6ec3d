import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ServerMessage } from "../src/protocol/index.js";
import { type Harness, startHarness } from "./support/broker-harness.js";
import { createAndJoin, grant } from "./support/session-steps.js";

/**
 * The broker handles a signal at once when nothing of its connection is still
 * in flight, and queues it behind a message that waits on the database
 * otherwise: one connection's messages take effect in the order sent.
 */
describe("one connection's messages are handled in the order sent", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ messagesPerSecond: 200, messageBurst: 400 });
  });
  afterAll(() => h.close());

  const candidate = (i: number) => ({ candidate: `candidate:${i} 1 udp 2122260223 10.0.0.2 ${50000 + i} typ host`, sdpMid: "0", sdpMLineIndex: 0 });

  it("an offer sent right behind the request that opens signaling is relayed, not refused", async () => {
    const { helper, sharer, sessionId } = await createAndJoin(h, "order-helper-1", "order-sharer-1");
    // Same tick: the request writes the session before signaling opens; the offer must wait for it.
    helper.send({ type: "session.request", sessionId, level: "view" });
    helper.send({ type: "signal.offer", sessionId, sdp: "v=0\r\n" });
    await expect.poll(() => sharer.pending().some((m) => m.type === "signal.offer")).toBe(true);
    const received = sharer.pending().map((m) => (m.type === "session.state" ? `state ${m.session.status}` : m.type));
    expect(received).toContain("state requested");
    expect(received.indexOf("state requested")).toBeLessThan(received.indexOf("signal.offer"));
    expect(helper.pending().filter((m) => m.type === "error")).toEqual([]);
  });

  it("candidates and chat interleaved arrive interleaved as sent, a malformed one answered in its place", async () => {
    const { helper, sharer, sessionId } = await createAndJoin(h, "order-helper-2", "order-sharer-2");
    await grant(helper, sharer, sessionId, "view");
    sharer.clearPending();
    const sent: string[] = [];
    for (let i = 0; i < 30; i++) {
      if (i % 3 === 0) {
        helper.send({ type: "chat.send", sessionId, clientMsgId: `c${i}`, text: `message ${i}` }); // waits on the database
        sent.push(`chat ${i}`);
      } else {
        helper.send({ type: "signal.ice", sessionId, candidate: candidate(i) }); // handled at once when nothing waits
        sent.push(`ice ${i}`);
      }
      if (i === 10) helper.sendRaw(JSON.stringify({ type: "signal.ice", sessionId, reqId: "bad", candidate: { candidate: 7 } }));
    }
    await sharer.next((m) => m.type === "signal.ice" && (m.candidate?.candidate.startsWith("candidate:29 ") ?? false));
    const label = (m: ServerMessage) => (m.type === "chat.message" ? `chat ${m.message.text.split(" ")[1]}` : m.type === "signal.ice" ? `ice ${m.candidate!.candidate.split(/[: ]/)[1]}` : null);
    expect(sharer.pending().map(label).filter(Boolean)).toEqual(sent.slice(0, -1));
    // The helper's answers came back in order too, the refusal where it was sent (after chat 9, before chat 12).
    await expect.poll(() => helper.pending().some((m) => m.type === "chat.ack" && m.clientMsgId === "c27")).toBe(true);
    const answers = helper.pending().flatMap((m) => (m.type === "chat.ack" ? [m.clientMsgId] : m.type === "error" ? [`${m.code} ${m.reqId}`] : []));
    expect(answers).toEqual(["c0", "c3", "c6", "c9", "bad_message bad", "c12", "c15", "c18", "c21", "c24", "c27"]);
  });
});
