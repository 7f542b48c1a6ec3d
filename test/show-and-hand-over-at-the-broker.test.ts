import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_CLIPBOARD_CHARS, type SessionView, TOOL_USES_PER_MINUTE, type ToolUse } from "../src/protocol/index.js";
import { BrokerClient } from "../tools/broker-client.js";
import { api } from "./support/api.js";
import { type Harness, startHarness } from "./support/broker-harness.js";
import { refusal } from "./support/session-steps.js";

/**
 * Drawing, the clipboard and files as the broker decides them, through real
 * WebSockets: which tools a session gets from the helper's role and the
 * tenant, the sharer turning one off, every use announced, counted, refused
 * or audited (lengths, names and hashes, never content), and every way to
 * abuse the two new messages.
 */
const HASH = "ab".repeat(32);
const file = (patch: Partial<Extract<ToolUse, { kind: "file.offer" }>> = {}): ToolUse => ({ kind: "file.offer", name: "report.pdf", size: 1024, sha256: HASH, ...patch });

describe("show and hand over, decided by the broker", () => {
  let h: Harness;
  const clients: BrokerClient[] = [];
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    for (const c of clients) c.kill();
    await h.close();
  });

  async function session(o: { tid?: string; helperGroups?: string[]; level?: "view" | "control" } = {}) {
    const tid = o.tid ?? "northwind.test";
    const tag = randomUUID().slice(0, 8);
    const token = await h.issuer.mint({ sub: `helper-${tag}`, tid, name: "Ana Helper" }, o.helperGroups ? { extraClaims: { groups: o.helperGroups } } : {});
    const helper = await BrokerClient.signIn(h.wsUrl, token, { ca: h.ca });
    clients.push(helper);
    const sharer = await h.signIn(`sharer-${tag}`, { tid, name: "Sam Sharer" });
    const created = await helper.request({ type: "session.create" }, "session.created");
    await sharer.request({ type: "session.join", code: created.code }, "session.joined");
    await helper.next("session.peer_joined");
    const sessionId = created.session.sessionId;
    helper.send({ type: "session.request", sessionId, level: o.level ?? "view" });
    await sharer.next((m) => m.type === "session.state" && m.session.status === "requested");
    await helper.next((m) => m.type === "session.state" && m.session.status === "requested");
    sharer.send({ type: "session.consent", sessionId, allow: true });
    const active = await helper.next((m) => m.type === "session.state" && m.session.status === "active");
    await sharer.next((m) => m.type === "session.state" && m.session.status === "active");
    return { helper, sharer, sessionId, view: (active as { session: SessionView }).session };
  }
  const use = (c: BrokerClient, sessionId: string, u: ToolUse, useId = randomUUID()) => c.request({ type: "tool.use", sessionId, useId, use: u }, "tool.ack");
  const audit = async (sessionId: string, tid = "northwind.test") => (await h.broker.store.listAudit({ tenantId: tid, sessionId })).map((e) => ({ action: e.action, detail: e.detail }));

  it("a help desk operator's session has all three tools; a role without clipboard and files can only draw", async () => {
    const operator = await session();
    expect(operator.view).toMatchObject({ tools: ["annotate", "clipboard", "files"], toolsOff: [] });
    // Only the sharer switches tools.
    expect(await refusal(operator.helper.request({ type: "session.tool", sessionId: operator.sessionId, tool: "files", on: false }, "session.state"))).toBe("forbidden");
    // A role that may view and point only (for unenrolled sharers too, as the test sharers are).
    const admin = await h.issuer.mint({ sub: "northwind-admin" }, { extraClaims: { groups: ["it-admins"] } });
    const role = { id: "pointer", name: "Pointer", permissions: ["session.view", "session.unenrolled", "session.annotate"] };
    expect((await api(h.httpsOrigin, h.ca, admin, "PUT", "/api/roles/pointer", role)).status).toBe(200);
    const assignment = { id: "pointers", roleId: "pointer", principal: { type: "group", id: "pointers" }, scopeGroups: null };
    expect((await api(h.httpsOrigin, h.ca, admin, "PUT", "/api/assignments/pointers", assignment)).status).toBe(200);
    const trainee = await session({ helperGroups: ["pointers"] });
    expect(trainee.view).toMatchObject({ tools: ["annotate"], toolsOff: [] });
    expect(await refusal(use(trainee.helper, trainee.sessionId, { kind: "clipboard.write", chars: 5 }))).toBe("forbidden");
    expect(await refusal(use(trainee.helper, trainee.sessionId, file()))).toBe("forbidden");
    expect((await audit(trainee.sessionId)).filter((e) => e.action === "access.refused").map((e) => e.detail.kind)).toEqual(["clipboard.write", "file.offer"]);
  });

  it("the clipboard and a file, announced, told to the other side and audited without their content", async () => {
    const { helper, sharer, sessionId } = await session();
    const writeId = randomUUID();
    await use(helper, sessionId, { kind: "clipboard.write", chars: 42 }, writeId);
    expect(await sharer.next("tool.used")).toMatchObject({ useId: writeId, from: "helper", use: { kind: "clipboard.write", chars: 42 } });
    await sharer.request({ type: "tool.answer", sessionId, useId: writeId, kind: "clipboard.write", outcome: "completed" }, "tool.ack");
    expect(await helper.next("tool.answered")).toMatchObject({ useId: writeId, from: "sharer", outcome: "completed" });

    const readId = randomUUID();
    await use(helper, sessionId, { kind: "clipboard.read" }, readId);
    await sharer.next("tool.used");
    await sharer.request({ type: "tool.answer", sessionId, useId: readId, kind: "clipboard.read", outcome: "completed", chars: 17 }, "tool.ack");
    expect(await helper.next("tool.answered")).toMatchObject({ useId: readId, outcome: "completed", chars: 17 });

    // Files go both ways: here the sharer offers one to the helper, who declines it.
    const fileId = randomUUID();
    await use(sharer, sessionId, file({ name: "screenshot.png", size: 2048 }), fileId);
    expect(await helper.next("tool.used")).toMatchObject({ from: "sharer", use: { kind: "file.offer", name: "screenshot.png", size: 2048, sha256: HASH } });
    await helper.request({ type: "tool.answer", sessionId, useId: fileId, kind: "file.offer", outcome: "declined" }, "tool.ack");
    expect(await sharer.next("tool.answered")).toMatchObject({ useId: fileId, from: "helper", outcome: "declined" });

    expect((await audit(sessionId)).filter((e) => /^(clipboard|file)\./.test(e.action))).toEqual([
      { action: "clipboard.sent", detail: { useId: writeId, chars: 42 } },
      { action: "clipboard.completed", detail: { useId: writeId, kind: "clipboard.write", by: "sharer" } },
      { action: "clipboard.requested", detail: { useId: readId } },
      { action: "clipboard.completed", detail: { useId: readId, kind: "clipboard.read", by: "sharer", chars: 17 } },
      { action: "file.offered", detail: { useId: fileId, name: "screenshot.png", size: 2048, sha256: HASH, from: "sharer" } },
      { action: "file.declined", detail: { useId: fileId, kind: "file.offer", by: "helper" } },
    ]);
  });

  it("the sharer turns a tool off: both hear it, uses are refused and audited, on again works", async () => {
    const { helper, sharer, sessionId } = await session();
    sharer.send({ type: "session.tool", sessionId, tool: "clipboard", on: false });
    expect(await helper.next((m) => m.type === "session.state" && m.session.toolsOff.length > 0)).toMatchObject({ session: { toolsOff: ["clipboard"] } });
    expect(await refusal(use(helper, sessionId, { kind: "clipboard.write", chars: 3 }))).toBe("forbidden");
    expect(await refusal(use(helper, sessionId, file()))).toBe("accepted"); // the other tools stay
    sharer.send({ type: "session.tool", sessionId, tool: "clipboard", on: true });
    expect(await helper.next((m) => m.type === "session.state" && m.session.toolsOff.length === 0)).toBeTruthy();
    expect(await refusal(use(helper, sessionId, { kind: "clipboard.write", chars: 3 }))).toBe("accepted");
    const actions = (await audit(sessionId)).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(["session.tool_off", "session.tool_on", "access.refused"]));
  });

  it("the tenant turns files off or caps their size: refused at once, whatever the session was given", async () => {
    const tid = "fabrikam.test";
    const admin = await h.issuer.mint({ sub: "fabrikam-admin", tid }, { extraClaims: { groups: ["it-admins"] } });
    const put = async (patch: Record<string, unknown>) => {
      const current = (await api(h.httpsOrigin, h.ca, admin, "GET", "/api/settings")).body;
      expect((await api(h.httpsOrigin, h.ca, admin, "PUT", "/api/settings", { ...current, ...patch })).status).toBe(200);
    };
    await put({ maxFileMegabytes: 1 });
    const { helper, sessionId } = await session({ tid });
    const over = await use(helper, sessionId, file({ size: 1024 * 1024 + 1 })).catch((e: { reply: unknown }) => e.reply);
    expect(over).toMatchObject({ code: "policy_blocked", message: "files may be at most 1 MB in your organisation" });
    expect(await refusal(use(helper, sessionId, file({ size: 1024 * 1024 })))).toBe("accepted");
    await put({ fileTransferEnabled: false, clipboardEnabled: false });
    expect(await refusal(use(helper, sessionId, file()))).toBe("policy_blocked");
    expect(await refusal(use(helper, sessionId, { kind: "clipboard.read" }))).toBe("policy_blocked");
    // A session asked for while they are off does not get them at all.
    expect((await session({ tid })).view.tools).toEqual(["annotate"]);
    await put({ fileTransferEnabled: true, clipboardEnabled: true, maxFileMegabytes: 500 });
  });

  it("abuse: wrong side, wrong state, malformed, someone else's session, and a flood counted before the work", async () => {
    const { helper, sharer, sessionId } = await session();
    // The clipboard is the helper's to ask for; the sharer's own answer only.
    expect(await refusal(use(sharer, sessionId, { kind: "clipboard.write", chars: 3 }))).toBe("forbidden");
    expect(await refusal(helper.request({ type: "tool.answer", sessionId, useId: randomUUID(), kind: "clipboard.write", outcome: "completed" }, "tool.ack"))).toBe("forbidden");
    // Malformed: too long a text, a name too long, a hash that is not one, a size of nothing.
    for (const bad of [{ kind: "clipboard.write", chars: MAX_CLIPBOARD_CHARS + 1 }, file({ name: "x".repeat(256) }), file({ sha256: "nothex" }), file({ size: 0 }), { kind: "clipboard.steal" }]) {
      expect(await refusal(use(helper, sessionId, bad as ToolUse))).toBe("bad_message");
    }
    // Another session's id: not this connection's.
    expect(await refusal(use(helper, randomUUID(), file()))).toBe("forbidden");
    // Paused: nothing reaches the sharer's computer.
    sharer.send({ type: "session.pause", sessionId, paused: true });
    await helper.next((m) => m.type === "session.state" && m.session.paused);
    expect(await refusal(use(helper, sessionId, { kind: "clipboard.read" }))).toBe("invalid_transition");
    sharer.send({ type: "session.pause", sessionId, paused: false });
    await helper.next((m) => m.type === "session.state" && !m.session.paused);

    // A flood of announcements at once: exactly the burst passes, the rest wait (and are told how long).
    const fresh = await session();
    const answers = await Promise.all(Array.from({ length: TOOL_USES_PER_MINUTE + 10 }, () => use(fresh.helper, fresh.sessionId, file()).then(() => "accepted", (e: { code: string; reply: { retryAfterMs?: number } }) => `${e.code}:${(e.reply.retryAfterMs ?? 0) > 0}`)));
    expect(answers.filter((a) => a === "accepted")).toHaveLength(TOOL_USES_PER_MINUTE);
    expect(answers.filter((a) => a === "rate_limited:true")).toHaveLength(10);
    // The refused ones did no work: only the accepted ones are audited.
    expect((await audit(fresh.sessionId)).filter((e) => e.action === "file.offered")).toHaveLength(TOOL_USES_PER_MINUTE);
  });

  it("before the screen is shared there is nothing to hand over", async () => {
    const helper = await h.signIn("helper-early");
    const sharer = await h.signIn("sharer-early");
    const created = await helper.request({ type: "session.create" }, "session.created");
    await sharer.request({ type: "session.join", code: created.code }, "session.joined");
    expect(await refusal(use(helper, created.session.sessionId, file()))).toBe("invalid_transition");
  });
});
