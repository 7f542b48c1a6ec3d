import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "./support/broker-harness.js";
import { createAndJoin, grant, refusal } from "./support/session-steps.js";

describe("a third party cannot join, relay into, or read a session", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  it("is refused at every door, and the parties see nothing of the attempts", async () => {
    const { helper, sharer, created, sessionId } = await createAndJoin(h, "helper-t1", "sharer-t1");
    await grant(helper, sharer, sessionId, "control");
    const mallory = await h.signIn("mallory");

    expect(await refusal(mallory.request({ type: "session.join", code: created.code }, "session.joined"))).toBe("code_used");
    // Without a session of its own, every session-scoped message is refused.
    expect(await refusal(mallory.request({ type: "signal.offer", sessionId, sdp: "v=0 evil" }, "signal.offer"))).toBe("not_in_session");
    expect(await refusal(mallory.request({ type: "signal.ice", sessionId, candidate: null }, "signal.ice"))).toBe("not_in_session");
    expect(await refusal(mallory.request({ type: "chat.send", sessionId, clientMsgId: "m", text: "hi" }, "chat.ack"))).toBe("not_in_session");
    expect(await refusal(mallory.request({ type: "session.end", sessionId }, "session.state"))).toBe("not_in_session");
    expect(await refusal(mallory.request({ type: "chat.history", sessionId }, "chat.history"))).toBe("forbidden");
    expect(await refusal(mallory.request({ type: "session.resume", sessionId, resumeToken: "x".repeat(43) }, "session.joined"))).toBe("resume_failed");

    // With a session of its own, naming someone else's session is forbidden.
    await mallory.request({ type: "session.create" }, "session.created");
    expect(await refusal(mallory.request({ type: "signal.offer", sessionId, sdp: "v=0 evil" }, "signal.offer"))).toBe("forbidden");
    expect(await refusal(mallory.request({ type: "chat.send", sessionId, clientMsgId: "m", text: "hi" }, "chat.ack"))).toBe("forbidden");

    // The real parties still talk, and saw nothing from mallory.
    helper.send({ type: "signal.offer", sessionId, sdp: "v=0 real" });
    expect(await sharer.next("signal.offer")).toMatchObject({ sdp: "v=0 real", from: "helper" });
    expect(sharer.pending().concat(helper.pending()).filter((m) => m.type.startsWith("signal") || m.type === "chat.message")).toEqual([]);
  });

  it("keeps tenants apart: a code from another tenant is not found", async () => {
    const helper = await h.signIn("helper-t2", { tid: "fabrikam.test" });
    const created = await helper.request({ type: "session.create" }, "session.created");
    const outsider = await h.signIn("sharer-t2", { tid: "northwind.test" });
    expect(await refusal(outsider.request({ type: "session.join", code: created.code }, "session.joined"))).toBe("code_invalid");
  });

  it("does not relay signaling before the helper has asked for a level", async () => {
    const { helper, sessionId } = await createAndJoin(h, "helper-t3", "sharer-t3");
    expect(await refusal(helper.request({ type: "signal.offer", sessionId, sdp: "v=0" }, "signal.offer"))).toBe("invalid_transition");
  });

  it("a helper cannot redeem its own code", async () => {
    const helper = await h.signIn("helper-t4");
    const created = await helper.request({ type: "session.create" }, "session.created");
    const sameUser = await h.signIn("helper-t4");
    expect(await refusal(sameUser.request({ type: "session.join", code: created.code }, "session.joined"))).toBe("forbidden");
    expect(await helper.next("session.state")).toMatchObject({ session: { status: "ended", endReason: "policy_blocked" } });
  });
});
