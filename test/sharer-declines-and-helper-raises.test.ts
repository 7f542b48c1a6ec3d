import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "./support/broker-harness.js";
import { createAndJoin, grant } from "./support/session-steps.js";

const isState = (status: string) => (m: { type: string; session?: { status: string } }) => m.type === "session.state" && m.session?.status === status;

describe("consent: the sharer decides, per level", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  it("a declined first request ends the session for both with sharer_declined", async () => {
    const { helper, sharer, sessionId } = await createAndJoin(h, "helper-d1", "sharer-d1");
    helper.send({ type: "session.request", sessionId, level: "control" });
    await sharer.next(isState("requested"));
    sharer.send({ type: "session.consent", sessionId, allow: false });
    for (const party of [helper, sharer]) {
      expect(await party.next(isState("ended"))).toMatchObject({ session: { endReason: "sharer_declined", level: null } });
    }
    // Nothing flows any more: the helper's connection no longer holds the session.
    const refused = await helper.request({ type: "signal.offer", sessionId, sdp: "v=0" }, "signal.offer").catch((e: { code: string }) => e.code);
    expect(refused).toBe("not_in_session");
  });

  it("raising view to control needs a new consent; declining it keeps view", async () => {
    const { helper, sharer, sessionId } = await createAndJoin(h, "helper-d2", "sharer-d2");
    await grant(helper, sharer, sessionId, "view");

    helper.send({ type: "session.request", sessionId, level: "control" });
    const asked = await sharer.next(isState("requested"));
    expect(asked).toMatchObject({ session: { level: "view", requestedLevel: "control" } });
    sharer.send({ type: "session.consent", sessionId, allow: false });
    expect(await helper.next(isState("active"))).toMatchObject({ session: { level: "view", requestedLevel: null } });

    await grant(helper, sharer, sessionId, "control");

    sharer.send({ type: "session.downgrade", sessionId });
    expect(await helper.next(isState("active"))).toMatchObject({ session: { level: "view" } });
    sharer.send({ type: "session.pause", sessionId, paused: true });
    expect(await helper.next(isState("active"))).toMatchObject({ session: { paused: true } });

    const audit = await h.broker.store.listAudit({ tenantId: "northwind.test", sessionId });
    expect(audit.filter((e) => e.action.startsWith("session.consent")).map((e) => [e.action, e.detail])).toEqual([
      ["session.consent_given", { level: "view", granted: "view" }],
      ["session.consent_denied", { level: "control", granted: "view" }],
      ["session.consent_given", { level: "control", granted: "control" }],
    ]);
  });

  it("the helper cannot consent on the sharer's behalf, nor the sharer ask for a level", async () => {
    const { helper, sharer, sessionId } = await createAndJoin(h, "helper-d3", "sharer-d3");
    helper.send({ type: "session.request", sessionId, level: "view" });
    await sharer.next(isState("requested"));
    await expect(helper.request({ type: "session.consent", sessionId, allow: true }, "session.state")).rejects.toMatchObject({ code: "forbidden" });
    await expect(sharer.request({ type: "session.request", sessionId, level: "control" }, "session.state")).rejects.toMatchObject({ code: "forbidden" });
    await expect(helper.request({ type: "session.request", sessionId, level: "control" }, "session.state")).rejects.toMatchObject({
      code: "invalid_transition",
    });
  });
});
