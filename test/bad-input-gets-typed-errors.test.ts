import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_CHAT_CHARS, MAX_FRAME_BYTES, type ServerMessage } from "../src/protocol/index.js";
import { type Harness, startHarness } from "./support/broker-harness.js";
import { createAndJoin, grant } from "./support/session-steps.js";

const isError = (m: ServerMessage) => m.type === "error";

describe("malformed, oversized and unknown input", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ messagesPerSecond: 20, messageBurst: 400 });
  });
  afterAll(() => h.close());

  it.each([
    ["not JSON", "{nope", "bad_message"],
    ["JSON that is not an object", "42", "bad_message"],
    ["an unknown type", JSON.stringify({ type: "session.teleport", reqId: "x" }), "bad_message"],
    ["a known type with wrong fields", JSON.stringify({ type: "session.join", code: 12345678 }), "bad_message"],
    ["a session id that is not a uuid", JSON.stringify({ type: "session.end", sessionId: "../../etc" }), "bad_message"],
    ["a huge string inside the cap", JSON.stringify({ type: "session.join", code: "x".repeat(60_000) }), "bad_message"],
    ["a frame over the 64 KiB cap", JSON.stringify({ type: "heartbeat", pad: "x".repeat(MAX_FRAME_BYTES) }), "too_large"],
  ])("$0 gets $2 and the connection keeps working", async (_what, frame, code) => {
    const client = await h.signIn("fuzzer");
    client.sendRaw(frame);
    expect(await client.next(isError)).toMatchObject({ code });
    expect(await client.request({ type: "heartbeat" }, "heartbeat")).toMatchObject({ type: "heartbeat" });
  });

  it("a binary frame is refused as bad_message", async () => {
    const client = await h.signIn("fuzzer-bin");
    client.sendRaw(Buffer.from([1, 2, 3]), true);
    expect(await client.next(isError)).toMatchObject({ code: "bad_message" });
  });

  it("chat over 4,000 characters is refused; 4,000 characters of any script pass", async () => {
    const { helper, sharer, sessionId } = await createAndJoin(h, "helper-b1", "sharer-b1");
    await grant(helper, sharer, sessionId, "view");
    const arabic = "ب".repeat(MAX_CHAT_CHARS);
    const emoji = "😀".repeat(MAX_CHAT_CHARS); // astral characters count once each
    expect((await helper.request({ type: "chat.send", sessionId, clientMsgId: "a", text: arabic }, "chat.ack")).seq).toBe(1);
    expect((await helper.request({ type: "chat.send", sessionId, clientMsgId: "b", text: emoji }, "chat.ack")).seq).toBe(2);
    await expect(helper.request({ type: "chat.send", sessionId, clientMsgId: "c", text: arabic + "!" }, "chat.ack")).rejects.toMatchObject({
      code: "bad_message",
    });
    const history = await sharer.request({ type: "chat.history", sessionId }, "chat.history");
    expect(history.messages.map((m) => m.text)).toEqual([arabic, emoji]);
  });

  it("random frames never crash the broker and every one gets a typed error", async () => {
    const client = await h.signIn("fuzzer-random");
    const frames = fc.sample(
      fc.oneof(
        fc.string({ maxLength: 200 }),
        fc.json({ maxDepth: 3 }),
        fc.record({ type: fc.constantFrom("hello", "session.join", "signal.ice", "chat.send", "zzz"), reqId: fc.string({ maxLength: 10 }) }).map((o) => JSON.stringify(o)),
        fc.record({ type: fc.constantFrom("chat.send", "signal.offer"), sessionId: fc.uuid(), text: fc.string(), sdp: fc.string() }).map((o) => JSON.stringify(o)),
      ),
      { numRuns: 150, seed: 2026 },
    );
    for (const frame of frames) {
      client.sendRaw(frame);
      const answer = await client.next((m) => m.type !== "heartbeat" && m.type !== "challenge").catch(() => { throw new Error(`no answer to ${JSON.stringify(frame)}`); });
      expect({ frame, answer: answer.type === "error" ? "error" : answer.type }).toEqual({ frame, answer: "error" });
      expect(["bad_message", "invalid_transition", "not_in_session", "forbidden"]).toContain(answer.type === "error" && answer.code);
    }
    expect(client.malformed).toEqual([]);
    // The broker still serves everyone else.
    const { helper, sharer, sessionId } = await createAndJoin(h, "helper-b2", "sharer-b2");
    await grant(helper, sharer, sessionId, "view");
  });

  it("a flood is refused with rate_limited and a retry time; the connection survives", async () => {
    const client = await h.signIn("flooder");
    for (let i = 0; i < 500; i++) client.send({ type: "heartbeat", reqId: `f${i}` });
    const limited = await client.next((m) => m.type === "error" && m.code === "rate_limited");
    expect(limited).toMatchObject({ retryAfterMs: expect.any(Number) });
    await new Promise((r) => setTimeout(r, 200));
    expect(await client.request({ type: "heartbeat" }, "heartbeat")).toBeTruthy();
  });
});
