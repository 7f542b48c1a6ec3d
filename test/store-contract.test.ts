import { testChainHash } from "./support/audit-keys.js";
import { randomUUID } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Kysely, sql } from "kysely";
import { verifyChain } from "../src/server/store/audit-chain.js";
import type { Database } from "../src/server/store/schema.js";
import type { NewSession, Store } from "../src/server/store/store.js";
import { storeEngines } from "./support/store-engines.js";

const T0 = 1_800_000_000_000;
const profile = (userId: string, name: string) => ({ userId, name, jobTitle: "Engineer", company: "Northwind", photoUrl: null, verifiedDomain: "northwind.test", tenantName: "Northwind Traders" });

function newSession(patch: Partial<NewSession> = {}): NewSession {
  return {
    id: randomUUID(),
    tenantId: "northwind.test",
    codeHash: `hash-${randomUUID()}`,
    codeExpiresAt: T0 + 600_000,
    status: "created",
    level: null,
    requestedLevel: null,
    paused: false,
    endReason: null,
    helperId: "helper-1",
    helperName: "Ana",
    helperProfile: profile("helper-1", "Ana"),
    helperResumeHash: "resume-helper",
    targetDevice: null,
    tools: [],
    toolsOff: [],
    createdAt: T0,
    ...patch,
  };
}

const audit = (s: NewSession, action = "session.created") => ({ tenantId: s.tenantId, sessionId: s.id, actorId: s.helperId, action, detail: {}, at: T0 });
const joinAudit = { actorId: "sharer", action: "session.joined", detail: {}, at: T0 + 1000 };
const redemption = (at = T0 + 1000, sharerId = "sharer-1") => ({ sharerId, sharerName: "Sam", sharerProfile: profile(sharerId, "Sam 山本"), sharerTarget: { groups: ["finance"], device: null }, sharerResumeHash: "resume-sharer", at });

describe.each(storeEngines)("store contract on $name", ({ open, unavailable }) => {
  if (unavailable) {
    it.skipIf(true)(`cannot run here: ${unavailable}`, () => undefined);
    return;
  }
  let store: Store;
  let db: Kysely<Database>;
  beforeEach(async () => {
    ({ store, db } = await open());
  });
  afterEach(() => store.close());

  it("inserts and reads a session back field for field", async () => {
    const s = newSession();
    expect(await store.insertSession(s, audit(s))).toBe(true);
    const { codeHash: _hash, ...expected } = s;
    expect(await store.getSession(s.id)).toEqual({ ...expected, sharerId: null, sharerName: null, sharerProfile: null, sharerTarget: null, sharerResumeHash: null, joinedAt: null, endedAt: null, version: 0, helperAwaySince: null, sharerAwaySince: null });
  });

  it("keeps the device a session was made for", async () => {
    const s = newSession({ targetDevice: { deviceId: "dev-1", name: "Sam's MacBook 山本" } });
    await store.insertSession(s, audit(s));
    expect((await store.getSession(s.id))?.targetDevice).toEqual({ deviceId: "dev-1", name: "Sam's MacBook 山本" });
  });

  it("refuses a second session with a code hash already taken", async () => {
    const s = newSession();
    await store.insertSession(s, audit(s));
    const twin = newSession({ codeHash: s.codeHash });
    expect(await store.insertSession(twin, audit(twin))).toBe(false);
    expect(await store.getSession(twin.id)).toBeUndefined();
  });

  it("lets only one of two sessions drawing the same code at once be stored, and keeps the other writes", async () => {
    const a = newSession();
    const b = newSession({ codeHash: a.codeHash });
    const c = newSession();
    const results = await Promise.all([a, b, c].map((s) => store.insertSession(s, audit(s))));
    expect(results).toEqual([true, false, true]);
    expect(await store.getSession(b.id)).toBeUndefined();
    expect((await store.listAudit({ tenantId: "northwind.test" })).map((e) => e.sessionId)).toEqual([a.id, c.id]);
  });

  it("rolls back a failed write alone, leaving the writes committed with it intact", async () => {
    const s = newSession();
    await store.insertSession(s, audit(s));
    const [bad, good] = await Promise.allSettled([
      store.appendChat({ sessionId: "no-such-session", senderId: "u", senderRole: "helper", senderName: "N", text: "lost", createdAt: T0, clientMsgId: null }),
      store.appendChat({ sessionId: s.id, senderId: "u", senderRole: "helper", senderName: "N", text: "kept", createdAt: T0, clientMsgId: null }),
    ]);
    expect(bad.status).toBe("rejected");
    expect(good).toMatchObject({ status: "fulfilled", value: { seq: 1 } });
    expect((await store.listChat(s.id, 0, 10)).map((m) => m.text)).toEqual(["kept"]);
  });

  it("keeps the audit chain whole when a batch that appended to it is rolled back and replayed", async () => {
    const s = newSession();
    await store.insertSession(s, audit(s));
    // One batch: an audit row, a write that fails (another session's id), another audit row. The batch is
    // rolled back, so the head its first row made must not be extended: each row is replayed on what is stored.
    const results = await Promise.allSettled([
      store.appendAudit(audit(s, "step.one")),
      store.appendChat({ sessionId: "no-such-session", senderId: "u", senderRole: "helper", senderName: "N", text: "lost", createdAt: T0, clientMsgId: null }),
      store.appendAudit(audit(s, "step.two")),
    ]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    await store.appendAudit(audit(s, "step.three"));
    const chain = await store.listAuditChain(s.tenantId);
    expect(chain.map((r) => r.action)).toEqual(["session.created", "step.one", "step.two", "step.three"]);
    expect(chain.map((r) => r.seq)).toEqual([1, 2, 3, 4]);
    for (let i = 1; i < chain.length; i++) expect(chain[i]!.prevHash).toBe(chain[i - 1]!.hash);
  });

  it("redeems a code exactly once, even when redemptions race", async () => {
    const s = newSession();
    await store.insertSession(s, audit(s));
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => store.redeemCode(s.codeHash, s.tenantId, redemption(T0 + 1000, `sharer-${i}`), joinAudit)));
    const winners = results.filter((r) => r.ok);
    expect(winners).toHaveLength(1);
    expect(results.filter((r) => !r.ok).map((r) => !r.ok && r.reason)).toEqual(Array(7).fill("code_used"));
    const joins = await store.listAudit({ tenantId: s.tenantId, sessionId: s.id });
    expect(joins.map((e) => e.action)).toEqual(["session.created", "session.joined"]); // one audit row per real redemption
    const stored = await store.getSession(s.id);
    const winner = winners[0]!.ok ? winners[0]!.session.sharerId! : "";
    expect(stored).toMatchObject({ status: "joined", sharerId: winner, sharerProfile: profile(winner, "Sam 山本"), sharerTarget: { groups: ["finance"], device: null }, joinedAt: T0 + 1000 });
  });

  it("tells an expired code from an unknown one and from another tenant's", async () => {
    const s = newSession();
    await store.insertSession(s, audit(s));
    expect(await store.redeemCode(s.codeHash, s.tenantId, redemption(s.codeExpiresAt), joinAudit)).toMatchObject({ ok: false, reason: "code_expired" });
    expect(await store.redeemCode("no-such-hash", s.tenantId, redemption(), joinAudit)).toEqual({ ok: false, reason: "code_invalid" });
    expect(await store.redeemCode(s.codeHash, "fabrikam.test", redemption(), joinAudit)).toEqual({ ok: false, reason: "code_invalid" });
  });

  it("writes a change only at the version it was decided on (another broker may have moved first)", async () => {
    const s = newSession();
    await store.insertSession(s, audit(s));
    const change = (action: string) => ({ ...audit(s, action), at: T0 + 1 });
    expect(await store.updateSession(s.id, { status: "ended", endReason: "helper_ended", endedAt: T0 + 1 }, change("first"), 0)).toBe(true);
    expect(await store.updateSession(s.id, { status: "ended", endReason: "sharer_ended", endedAt: T0 + 2 }, change("stale"), 0)).toBe(false);
    expect(await store.getSession(s.id)).toMatchObject({ endReason: "helper_ended", version: 1 });
    expect((await store.listAudit({ tenantId: s.tenantId, sessionId: s.id })).map((e) => e.action)).toEqual(["session.created", "first"]);
  });

  it("updates state fields and lists only open sessions", async () => {
    const open = newSession();
    const done = newSession();
    await store.insertSession(open, audit(open));
    await store.insertSession(done, audit(done));
    await store.updateSession(open.id, { status: "requested", requestedLevel: "control", paused: true });
    await store.updateSession(done.id, { status: "ended", endReason: "helper_ended", endedAt: T0 + 5 }, { ...audit(done, "session.ended"), at: T0 + 5 });
    expect(await store.getSession(open.id)).toMatchObject({ status: "requested", requestedLevel: "control", paused: true, level: null });
    expect(await store.getSession(done.id)).toMatchObject({ status: "ended", endReason: "helper_ended", endedAt: T0 + 5 });
    expect((await store.listOpenSessions()).map((r) => r.id)).toEqual([open.id]);
    expect((await store.listAudit({ tenantId: done.tenantId, sessionId: done.id })).map((e) => e.action)).toEqual(["session.created", "session.ended"]);
  });

  it("names people by the names they had in the tenant's sessions, as helper or sharer, and no one from another tenant", async () => {
    const a = newSession({ helperId: "helper-1", helperName: "Ana" });
    const b = newSession({ helperId: "helper-2", helperName: "Bea" });
    const elsewhere = newSession({ tenantId: "fabrikam.test", helperId: "helper-3", helperName: "Cy" });
    for (const s of [a, b, elsewhere]) await store.insertSession(s, audit(s));
    await store.redeemCode(a.codeHash, a.tenantId, redemption(T0 + 1000, "sharer-9"), joinAudit);
    const names = await store.namesOf("northwind.test", ["helper-1", "sharer-9", "helper-3", "nobody"]);
    expect(Object.fromEntries(names)).toEqual({ "helper-1": "Ana", "sharer-9": "Sam" });
    expect((await store.namesOf("northwind.test", [])).size).toBe(0);
  });

  it("stores a message once per sender and clientMsgId, even when the resend races the first", async () => {
    const s = newSession();
    await store.insertSession(s, audit(s));
    const message = { sessionId: s.id, senderId: "u", senderRole: "sharer" as const, senderName: "N", text: "hello", createdAt: T0, clientMsgId: "m-1" };
    const [first, again] = [await store.appendChat(message), await store.appendChat({ ...message, createdAt: T0 + 5 })];
    expect(first).toMatchObject({ seq: 1, duplicate: false });
    expect(again).toMatchObject({ seq: 1, duplicate: true, createdAt: T0 });
    // The other party may use the same id for its own message.
    expect(await store.appendChat({ ...message, senderId: "v", senderRole: "helper" })).toMatchObject({ seq: 2, duplicate: false });
    expect((await store.listChat(s.id, 0, 10)).map((m) => [m.seq, m.senderId, m.clientMsgId])).toEqual([[1, "u", "m-1"], [2, "v", "m-1"]]);
  });

  it("numbers chat messages per session without gaps and keeps any Unicode", async () => {
    const a = newSession();
    const b = newSession();
    await store.insertSession(a, audit(a));
    await store.insertSession(b, audit(b));
    const texts = ["你好", "مرحبا", "👩🏽‍💻 ok", "Zürich\u200f"];
    const stored = await Promise.all(
      texts.map((text, i) => store.appendChat({ sessionId: a.id, senderId: "u", senderRole: i % 2 ? "helper" : "sharer", senderName: "N", text, createdAt: T0 + i, clientMsgId: null })),
    );
    await store.appendChat({ sessionId: b.id, senderId: "u", senderRole: "helper", senderName: "N", text: "other", createdAt: T0, clientMsgId: null });
    expect(stored.map((m) => m.seq).sort()).toEqual([1, 2, 3, 4]);
    const listed = await store.listChat(a.id, 0, 100);
    expect(listed.map((m) => m.seq)).toEqual([1, 2, 3, 4]);
    expect(new Set(listed.map((m) => m.text))).toEqual(new Set(texts));
    expect((await store.listChat(a.id, 2, 100)).map((m) => m.seq)).toEqual([3, 4]);
    expect((await store.listChat(b.id, 0, 100)).map((m) => m.seq)).toEqual([1]);
  });

  it("keeps the IdP's records, finds them by id, uid and user code, and revokes a grant's tokens", async () => {
    await store.idp.upsert("Session", "s1", { uid: "u-1", accountId: "nw-helper" }, T0 + 60_000);
    await store.idp.upsert("RefreshToken", "r1", { grantId: "g1", accountId: "nw-helper" }, null);
    await store.idp.upsert("AccessToken", "a1", { grantId: "g1" }, T0 + 1000);
    await store.idp.upsert("DeviceCode", "d1", { userCode: "ABCD-EFGH" }, null);
    expect(await store.idp.find("Session", "s1")).toEqual({ payload: { uid: "u-1", accountId: "nw-helper" }, expiresAt: T0 + 60_000 });
    expect(await store.idp.findBy("Session", "uid", "u-1")).toMatchObject({ payload: { accountId: "nw-helper" } });
    expect(await store.idp.findBy("DeviceCode", "userCode", "ABCD-EFGH")).toMatchObject({ payload: { userCode: "ABCD-EFGH" } });
    await store.idp.upsert("Session", "s1", { uid: "u-1", accountId: "nw-admin" }, T0 + 90_000);
    expect(await store.idp.find("Session", "s1")).toEqual({ payload: { uid: "u-1", accountId: "nw-admin" }, expiresAt: T0 + 90_000 });
    await store.idp.revokeByGrantId("g1");
    expect(await store.idp.find("RefreshToken", "r1")).toBeUndefined();
    expect(await store.idp.find("AccessToken", "a1")).toBeUndefined();
    await store.idp.destroy("Session", "s1");
    expect(await store.idp.find("Session", "s1")).toBeUndefined();
    expect(await store.idp.find("Session", "missing")).toBeUndefined();
  });

  it("prunes the IdP's records that have expired, and only those", async () => {
    await store.idp.upsert("ConsoleSignIn", "gone-1", { returnTo: "/" }, T0 - 1);
    await store.idp.upsert("Interaction", "gone-2", { uid: "x" }, T0);
    await store.idp.upsert("Interaction", "live", { uid: "y" }, T0 + 1);
    await store.idp.upsert("RefreshToken", "forever", { grantId: "g9" }, null);
    expect(await store.idp.pruneExpired(T0)).toBe(2);
    expect(await store.idp.find("ConsoleSignIn", "gone-1")).toBeUndefined();
    expect(await store.idp.find("Interaction", "gone-2")).toBeUndefined();
    expect(await store.idp.find("Interaction", "live")).toBeDefined();
    expect(await store.idp.find("RefreshToken", "forever")).toBeDefined();
  });

  it("registers devices per tenant, re-registers the same key in place, and records check-ins", async () => {
    const key = { kty: "EC" as const, crv: "P-256" as const, x: "x".repeat(43), y: "y".repeat(43) };
    const device = { tenantId: "northwind.test", id: "d".repeat(43), name: "Sam's MacBook", platform: "macos" as const, osVersion: "14.5", appVersion: "1.2.0", ownerId: "nw-sharer-1", groups: ["finance-macs"], publicKey: key, enrolled: true, registeredAt: T0, lastSeenAt: T0 };
    const audit = { tenantId: "northwind.test", sessionId: null, actorId: "nw-sharer-1", action: "device.registered", detail: {}, at: T0 };
    await store.devices.register(device, audit);
    await store.devices.register({ ...device, tenantId: "fabrikam.test", name: "Other tenant's" }, { ...audit, tenantId: "fabrikam.test" });
    await store.devices.register({ ...device, name: "Sam's new name", registeredAt: T0 + 5 }, audit);
    expect(await store.devices.get("northwind.test", device.id)).toEqual({ ...device, name: "Sam's new name" });
    await store.devices.checkIn("northwind.test", device.id, T0 + 99, { osVersion: "15.0", appVersion: "1.3.0" });
    expect(await store.devices.get("northwind.test", device.id)).toMatchObject({ osVersion: "15.0", appVersion: "1.3.0", lastSeenAt: T0 + 99, registeredAt: T0 });
    expect((await store.devices.list("fabrikam.test")).map((d) => d.name)).toEqual(["Other tenant's"]);
    expect(await store.devices.get("fabrikam.test", "nope")).toBeUndefined();
  });

  it("keeps tenant documents apart by tenant and kind, each change audited with it", async () => {
    const change = (tenantId: string, action: string) => ({ tenantId, sessionId: null, actorId: "nw-admin", action, detail: {}, at: T0 });
    await store.documents.put("northwind.test", "role", "night-shift", { name: "Night shift" }, change("northwind.test", "role.created"));
    await store.documents.put("fabrikam.test", "role", "night-shift", { name: "Other tenant" }, change("fabrikam.test", "role.created"));
    await store.documents.put("northwind.test", "role", "night-shift", { name: "Night shift (v2)" }, change("northwind.test", "role.updated"));
    expect(await store.documents.list("northwind.test", "role")).toEqual([{ id: "night-shift", body: { name: "Night shift (v2)" }, updatedAt: T0 }]);
    expect(await store.documents.get("fabrikam.test", "role", "night-shift")).toMatchObject({ body: { name: "Other tenant" } });
    expect(await store.documents.list("northwind.test", "settings")).toEqual([]);
    expect(await store.documents.remove("northwind.test", "role", "night-shift", change("northwind.test", "role.deleted"))).toBe(true);
    expect(await store.documents.remove("northwind.test", "role", "night-shift", change("northwind.test", "role.deleted"))).toBe(false);
    expect((await store.listAudit({ tenantId: "northwind.test" })).map((e) => e.action)).toEqual(["role.created", "role.updated", "role.deleted"]);
  });

  it("chains audit rows per tenant, and the verifier finds an edited, a deleted and a reordered row", async () => {
    for (let i = 0; i < 5; i++) {
      await store.appendAudit({ tenantId: "northwind.test", sessionId: null, actorId: "a", action: `step.${i}`, detail: { i }, at: T0 + i });
      await store.appendAudit({ tenantId: "fabrikam.test", sessionId: null, actorId: "b", action: `other.${i}`, detail: {}, at: T0 + i });
    }
    expect(verifyChain("northwind.test", await store.listAuditChain("northwind.test"), testChainHash)).toMatchObject({ ok: true, rows: 5 });
    expect(await store.listAuditTenants()).toEqual(["fabrikam.test", "northwind.test"]);

    await sql`update audit_events set detail = '{"i":99}' where tenant_id = 'northwind.test' and seq = 2`.execute(db);
    expect(verifyChain("northwind.test", await store.listAuditChain("northwind.test"), testChainHash).problems).toEqual([{ seq: 2, problem: "edited" }]);

    await sql`delete from audit_events where tenant_id = 'fabrikam.test' and seq = 3`.execute(db);
    expect(verifyChain("fabrikam.test", await store.listAuditChain("fabrikam.test"), testChainHash).problems).toEqual([{ seq: 4, problem: "missing_before" }]);

    // Swap the positions of rows 4 and 5 (ids), keeping each row's own fields.
    const chain = await store.listAuditChain("northwind.test");
    await sql`update audit_events set id = -1 where tenant_id = 'northwind.test' and seq = 4`.execute(db);
    await sql`update audit_events set id = (select max(id) from audit_events) + 1 where id = -1`.execute(db);
    const swapped = verifyChain("northwind.test", await store.listAuditChain("northwind.test"), testChainHash);
    expect(chain).toHaveLength(5);
    expect(swapped.ok).toBe(false);
    expect(swapped.problems).toContainEqual({ seq: 4, problem: "out_of_order" });
  });

  it("prunes ended sessions, their chat and old audit rows, and the chain still verifies from its anchor", async () => {
    const DAY = 86_400_000;
    const old = newSession({ createdAt: T0 });
    const live = newSession({ createdAt: T0 });
    await store.insertSession(old, audit(old));
    await store.insertSession(live, audit(live));
    await store.appendChat({ sessionId: old.id, senderId: "u", senderRole: "helper", senderName: "N", text: "old", createdAt: T0, clientMsgId: null });
    await store.updateSession(old.id, { status: "ended", endReason: "helper_ended", endedAt: T0 + 1000 }, { ...audit(old, "session.ended"), at: T0 + 1000 });
    await store.appendAudit({ tenantId: "northwind.test", sessionId: null, actorId: "a", action: "later", detail: {}, at: T0 + 40 * DAY });

    const removed = await store.pruneBefore("northwind.test", T0 + 30 * DAY, T0 + 41 * DAY);
    expect(removed).toEqual({ sessions: 1, auditRows: 3 });
    expect(await store.getSession(old.id)).toBeUndefined();
    expect(await store.listChat(old.id, 0, 10)).toEqual([]);
    expect(await store.getSession(live.id)).toBeDefined(); // not ended: kept
    const anchor = await store.getAuditAnchor("northwind.test");
    expect(anchor).toMatchObject({ seq: 3 });
    const rows = await store.listAuditChain("northwind.test");
    expect(rows.map((r) => r.action)).toEqual(["later", "retention.pruned"]);
    expect(verifyChain("northwind.test", rows, testChainHash, anchor)).toMatchObject({ ok: true });
    expect(verifyChain("northwind.test", rows, testChainHash).ok).toBe(false); // without the anchor the start looks truncated

    await sql`update audit_events set action = 'innocent' where tenant_id = 'northwind.test' and action = 'later'`.execute(db);
    expect(verifyChain("northwind.test", await store.listAuditChain("northwind.test"), testChainHash, anchor).problems).toEqual([{ seq: 4, problem: "edited" }]);
    expect(await store.pruneBefore("fabrikam.test", T0 + 30 * DAY, T0 + 41 * DAY)).toEqual({ sessions: 0, auditRows: 0 });
  });

  it("appends audit events in order, per tenant, with their details", async () => {
    await store.appendAudit({ tenantId: "northwind.test", sessionId: null, actorId: "a", action: "session.created", detail: { n: 1 }, at: T0 });
    await store.appendAudit({ tenantId: "fabrikam.test", sessionId: null, actorId: "b", action: "session.created", detail: {}, at: T0 });
    await store.appendAudit({ tenantId: "northwind.test", sessionId: "s", actorId: "a", action: "session.ended", detail: { reason: "helper_ended" }, at: T0 + 1 });
    const events = await store.listAudit({ tenantId: "northwind.test" });
    expect(events.map((e) => [e.action, e.detail])).toEqual([
      ["session.created", { n: 1 }],
      ["session.ended", { reason: "helper_ended" }],
    ]);
    expect(events[0]!.id).toBeLessThan(events[1]!.id);
    expect(await store.listAudit({ tenantId: "northwind.test", sessionId: "s" })).toHaveLength(1);
  });
});
