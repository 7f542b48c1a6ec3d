import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "./support/broker-harness.js";
import { createAndJoin } from "./support/session-steps.js";

/** The sharer's screen could not be captured: the helper hears why, from the sharer only, while a level is asked. */
describe("a screen that could not be captured", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  it("is told to the helper with its reason; the request stays open", async () => {
    const { helper, sharer, sessionId } = await createAndJoin(h, "helper-cap", "sharer-cap");
    helper.send({ type: "session.request", sessionId, level: "view" });
    await sharer.next((m) => m.type === "session.state" && m.session.status === "requested");
    sharer.send({ type: "session.capture_failed", sessionId, reason: "cancelled" });
    expect(await helper.next("session.capture_failed")).toEqual({ type: "session.capture_failed", sessionId, reason: "cancelled" });
    // Still asked: the sharer can try again and allow.
    sharer.send({ type: "session.consent", sessionId, allow: true });
    expect(await helper.next((m) => m.type === "session.state" && m.session.status === "active")).toMatchObject({ session: { level: "view" } });
  });

  it("refuses it from the helper, before anything is asked, for another session, and with a made-up reason", async () => {
    const { helper, sharer, sessionId } = await createAndJoin(h, "helper-cap2", "sharer-cap2");
    const refusal = (p: Promise<unknown>) => p.then(() => "accepted", (e: { code?: string }) => e.code);
    // Nothing asked yet.
    expect(await refusal(sharer.request({ type: "session.capture_failed", sessionId, reason: "cancelled" }, "session.capture_failed"))).toBe("invalid_transition");
    helper.send({ type: "session.request", sessionId, level: "view" });
    await helper.next((m) => m.type === "session.state" && m.session.status === "requested");
    expect(await refusal(helper.request({ type: "session.capture_failed", sessionId, reason: "cancelled" }, "session.capture_failed"))).toBe("forbidden");
    const other = await createAndJoin(h, "helper-cap3", "sharer-cap3");
    expect(await refusal(sharer.request({ type: "session.capture_failed", sessionId: other.sessionId, reason: "cancelled" }, "session.capture_failed"))).toBe("forbidden");
    sharer.sendRaw(JSON.stringify({ type: "session.capture_failed", reqId: "r1", sessionId, reason: "<script>" }));
    expect(await sharer.next((m) => m.type === "error" && m.reqId === "r1")).toMatchObject({ code: "bad_message" });
    expect(helper.pending().filter((m) => m.type === "session.capture_failed")).toEqual([]);
  });
});
