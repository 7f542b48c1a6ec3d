import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api } from "./support/api.js";
import { type Harness, startHarness } from "./support/broker-harness.js";

/**
 * A sharer whose app reopened (macOS applies Screen Recording only to a new
 * process) or whose page reloaded comes back with the code it joined with:
 * the same person rejoins their session; anyone else still gets `code_used`.
 */
describe("a sharer coming back with its own code", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  it("rejoins the same session, the helper hears they are back, and nobody else can use the code", async () => {
    const helper = await h.signIn("helper-back");
    const first = await h.signIn("sharer-back");
    const created = await helper.request({ type: "session.create" }, "session.created");
    const joined = await first.request({ type: "session.join", code: created.code }, "session.joined");
    await helper.next("session.peer_joined");
    first.kill(); // the app quits to reopen
    expect(await helper.next("session.peer_presence")).toMatchObject({ peer: "sharer", status: "disconnected" });

    const again = await h.signIn("sharer-back");
    const rejoined = await again.request({ type: "session.join", code: created.code }, "session.joined");
    expect(rejoined.session.sessionId).toBe(joined.session.sessionId);
    expect(rejoined.resumeToken).not.toBe(joined.resumeToken);
    expect(await helper.next("session.peer_presence")).toMatchObject({ peer: "sharer", status: "reconnected" });
    await helper.request({ type: "chat.send", sessionId: created.session.sessionId, clientMsgId: "hello-again", text: "welcome back" }, "chat.ack");
    expect(await again.next("chat.message")).toMatchObject({ message: { text: "welcome back" } });

    const stranger = await h.signIn("someone-else");
    await expect(stranger.request({ type: "session.join", code: created.code }, "session.joined")).rejects.toMatchObject({ code: "code_used" });
    // Ended, the code opens nothing, even for the sharer.
    helper.send({ type: "session.end", sessionId: created.session.sessionId });
    await again.next((m) => m.type === "session.state" && m.session.status === "ended");
    const late = await h.signIn("sharer-back");
    await expect(late.request({ type: "session.join", code: created.code }, "session.joined")).rejects.toMatchObject({ code: "code_used" });
  });
});

/** A code the helper cancelled before anyone joined: the sharer is told so, and Reports do not count it as a session. */
describe("a code the helper cancelled", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  it("tells the sharer it was cancelled, and stays out of Reports unless asked for", async () => {
    const helper = await h.signIn("helper-cancel");
    const created = await helper.request({ type: "session.create" }, "session.created");
    helper.send({ type: "session.end", sessionId: created.session.sessionId });
    expect(await helper.next((m) => m.type === "session.state" && m.session.status === "ended")).toMatchObject({ session: { endReason: "code_cancelled" } });
    const sharer = await h.signIn("sharer-cancel");
    await expect(sharer.request({ type: "session.join", code: created.code }, "session.joined")).rejects.toMatchObject({ code: "code_cancelled", message: "code_cancelled: this code was cancelled by your helper" });

    const admin = await h.issuer.mint({ sub: "reports-admin" }, { extraClaims: { groups: ["it-admins"] } });
    const listed = async (query = "") => ((await api(h.httpsOrigin, h.ca, admin, "GET", `/api/reports/sessions${query}`)).body as { sessionId: string; endReason: string }[]).filter((r) => r.sessionId === created.session.sessionId);
    expect(await listed()).toEqual([]);
    expect(await listed("?cancelled=include")).toEqual([expect.objectContaining({ endReason: "code_cancelled" })]);
    expect((await api(h.httpsOrigin, h.ca, admin, "GET", "/api/reports/sessions?cancelled=maybe")).status).toBe(400);
  });
});
