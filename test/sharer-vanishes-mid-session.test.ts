import { performance } from "node:perf_hooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BrokerClient } from "../tools/broker-client.js";
import { type Harness, startHarness } from "./support/broker-harness.js";
import { createAndJoin, grant } from "./support/session-steps.js";

describe("presence: the helper learns at once when the sharer is gone", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ graceMs: 2000 });
  });
  afterAll(() => h.close());

  it("a killed socket is reported within 100 ms, and the session ends sharer_disconnected after the grace", async () => {
    const { helper, sharer, sessionId } = await createAndJoin(h, "helper-v1", "sharer-v1");
    await grant(helper, sharer, sessionId, "view");
    const t0 = performance.now();
    sharer.kill();
    const away = await helper.next("session.peer_presence");
    const noticedMs = performance.now() - t0;
    expect(away).toMatchObject({ peer: "sharer", status: "disconnected", graceMs: 2000 });
    expect(noticedMs).toBeLessThan(100);
    const ended = await helper.next((m) => m.type === "session.state" && m.session.status === "ended", 4000);
    expect(ended).toMatchObject({ session: { endReason: "sharer_disconnected" } });
    expect(performance.now() - t0).toBeGreaterThanOrEqual(1900);
  });

  it("silence (no heartbeats, no close) is detected within 3 s", async () => {
    const { helper, sharer, sessionId } = await createAndJoin(h, "helper-v2", "sharer-v2");
    await grant(helper, sharer, sessionId, "control");
    const t0 = performance.now();
    sharer.stopHeartbeats(); // the TCP connection stays open, as when a network silently drops
    await helper.next("session.peer_presence", 4000);
    const noticedMs = performance.now() - t0;
    expect(noticedMs).toBeGreaterThan(1500);
    expect(noticedMs).toBeLessThan(3000);
  });

  it("a sharer that reconnects within the grace resumes the same session with its chat", async () => {
    const { helper, sharer, joined, sessionId } = await createAndJoin(h, "helper-v3", "sharer-v3");
    await grant(helper, sharer, sessionId, "view");
    await sharer.request({ type: "chat.send", sessionId, clientMsgId: "a", text: "before the drop" }, "chat.ack");
    sharer.kill();
    await helper.next("session.peer_presence");
    await helper.request({ type: "chat.send", sessionId, clientMsgId: "b", text: "are you there? 你还在吗" }, "chat.ack");

    const back = await BrokerClient.signIn(h.wsUrl, await h.issuer.mint({ sub: "sharer-v3", name: "Sam" }), { ca: h.ca });
    const resumed = await back.request({ type: "session.resume", sessionId, resumeToken: joined.resumeToken }, "session.joined");
    expect(resumed).toMatchObject({ role: "sharer", session: { sessionId, status: "active", level: "view" } });
    expect(resumed.chat.map((m) => m.text)).toEqual(["before the drop", "are you there? 你还在吗"]);
    expect(await helper.next("session.peer_presence")).toMatchObject({ status: "reconnected", peer: "sharer" });

    // Past the old grace, the session is still alive and relays again.
    await new Promise((r) => setTimeout(r, 2300));
    helper.send({ type: "signal.offer", sessionId, sdp: "v=0 ice-restart" });
    expect(await back.next("signal.offer")).toMatchObject({ sdp: "v=0 ice-restart" });
    expect(helper.pending().some((m) => m.type === "session.state" && m.session.status === "ended")).toBe(false);
  });

  it("a resume on a new connection while the old one still looks alive takes over the seat", async () => {
    const { helper, sharer, joined, sessionId } = await createAndJoin(h, "helper-v6", "sharer-v6");
    await grant(helper, sharer, sessionId, "view");
    const second = await h.signIn("sharer-v6");
    await second.request({ type: "session.resume", sessionId, resumeToken: joined.resumeToken }, "session.joined");
    expect((await sharer.closed).code).toBe(4409);
    helper.send({ type: "signal.offer", sessionId, sdp: "v=0 to the new seat" });
    expect(await second.next("signal.offer")).toMatchObject({ sdp: "v=0 to the new seat" });
    // The old connection's close neither suspended nor ended the session.
    await new Promise((r) => setTimeout(r, 2300));
    expect(helper.pending().filter((m) => m.type === "session.peer_presence" || (m.type === "session.state" && m.session.status === "ended"))).toEqual([]);
  });

  it("a helper who leaves before the sharer arrives spends the code", async () => {
    const helper = await h.signIn("helper-v7");
    const created = await helper.request({ type: "session.create" }, "session.created");
    helper.kill();
    await new Promise((r) => setTimeout(r, 2300));
    const sharer = await h.signIn("sharer-v7");
    await expect(sharer.request({ type: "session.join", code: created.code }, "session.joined")).rejects.toMatchObject({ code: "code_expired" });
    const audit = await h.broker.store.listAudit({ tenantId: "northwind.test", sessionId: created.session.sessionId });
    expect(audit.find((e) => e.action === "session.ended")).toMatchObject({ detail: { reason: "helper_disconnected" } });
  });

  it("a resume token is bound to its user", async () => {
    const { sharer, joined, sessionId } = await createAndJoin(h, "helper-v4", "sharer-v4");
    sharer.kill();
    const thief = await h.signIn("someone-else");
    await expect(thief.request({ type: "session.resume", sessionId, resumeToken: joined.resumeToken }, "session.joined")).rejects.toMatchObject({
      code: "resume_failed",
    });
  });

  it("a helper that closes its console tells the sharer too", async () => {
    const { helper, sharer } = await createAndJoin(h, "helper-v5", "sharer-v5");
    await helper.close();
    expect(await sharer.next("session.peer_presence")).toMatchObject({ peer: "helper", status: "disconnected" });
    expect(await sharer.next((m) => m.type === "session.state" && m.session.status === "ended", 4000)).toMatchObject({
      session: { endReason: "helper_disconnected" },
    });
  });
});
