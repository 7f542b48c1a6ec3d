import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "./support/broker-harness.js";
import { createAndJoin, grant } from "./support/session-steps.js";

describe("a whole session over real WebSockets", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  it("goes from code to consent, relays signaling both ways, carries chat, and ends with a reason", async () => {
    const { helper, sharer, created, joined, sessionId } = await createAndJoin(h);

    expect(created.code).toMatch(/^[0-9a-hjkmnp-tv-z]{8}$/);
    expect(created.link).toBe(`https://localhost:${new URL(h.httpsOrigin).port}/s?code=${created.code}`);
    expect(created.expiresAt - Date.now()).toBeGreaterThan(9 * 60_000);
    expect(joined.peer).toMatchObject({ userId: "helper-ana", name: "Ana Helper" });
    expect(joined.session.status).toBe("joined");

    await grant(helper, sharer, sessionId, "view");

    helper.send({ type: "signal.offer", sessionId, sdp: "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n" });
    const offer = await sharer.next("signal.offer");
    expect(offer).toMatchObject({ from: "helper", sdp: "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n" });
    sharer.send({ type: "signal.answer", sessionId, sdp: "v=0 answer" });
    expect(await helper.next("signal.answer")).toMatchObject({ from: "sharer", sdp: "v=0 answer" });
    const candidate = { candidate: "candidate:1 1 udp 2122260223 10.0.0.2 50000 typ host", sdpMid: "0", sdpMLineIndex: 0 };
    sharer.send({ type: "signal.ice", sessionId, candidate });
    expect(await helper.next("signal.ice")).toMatchObject({ from: "sharer", candidate });

    const chinese = "你好，我看不到我的打印机。";
    const arabic = "مرحبا، لا أستطيع رؤية الطابعة";
    const ack1 = await sharer.request({ type: "chat.send", sessionId, clientMsgId: "c1", text: chinese }, "chat.ack");
    const ack2 = await helper.request({ type: "chat.send", sessionId, clientMsgId: "c2", text: arabic }, "chat.ack");
    expect([ack1.seq, ack2.seq]).toEqual([1, 2]);
    expect((await helper.next("chat.message")).message).toMatchObject({ seq: 1, from: "sharer", text: chinese });
    expect((await sharer.next((m) => m.type === "chat.message" && m.message.seq === 2))).toMatchObject({ message: { text: arabic, from: "helper" } });

    const history = await sharer.request({ type: "chat.history", sessionId }, "chat.history");
    expect(history.messages.map((m) => m.text)).toEqual([chinese, arabic]);

    sharer.send({ type: "session.end", sessionId });
    const ended = await helper.next((m) => m.type === "session.state" && m.session.status === "ended");
    expect(ended).toMatchObject({ session: { endReason: "sharer_ended" } });

    const audit = await h.broker.store.listAudit({ tenantId: "northwind.test", sessionId });
    expect(audit.map((e) => e.action)).toEqual([
      "session.created",
      "session.joined",
      "session.level_requested",
      "session.consent_given",
      "session.ended",
    ]);
    expect(audit.at(-1)).toMatchObject({ actorId: "sharer-sam", detail: { reason: "sharer_ended" } });
  });
});
