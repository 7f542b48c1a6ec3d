import { type Kysely, type Selectable, sql } from "kysely";
import type { DevicePublicKey, EndReason, Level, Party, PartyRole, SessionStatus } from "../../protocol/index.js";
import type { Engine } from "./engine.js";
import { GroupCommit } from "./group-commit.js";
import { migrateToLatest } from "./migrations.js";
import type { ChatMessagesTable, Database, DevicesTable, SessionsTable } from "./schema.js";
import { type ChainAnchor, type ChainHash, GENESIS_HASH, type ChainedRow, keyedChainHash } from "./audit-chain.js";
import { rekeyLegacyAuditChains } from "./rekey-legacy-audit.js";
import type {
  AuditEvent,
  DeviceRecord,
  DeviceStore,
  IdpRecord,
  IdpRecordStore,
  NewAuditEvent,
  NewSession,
  RedeemResult,
  SessionRecord,
  SharerTarget,
  Store,
  StoredChatMessage,
  TenantDocument,
  TenantDocumentStore,
} from "./store.js";

/** The store contract over Kysely; the SQL is the same on every engine. */
/** `auditChainKey`: the audit chain's HMAC key, kept outside the database (see audit-keys.ts). */
export async function createKyselyStore(db: Kysely<Database>, engine: Engine, o: { auditChainKey: Buffer }): Promise<Store> {
  await migrateToLatest(db as Kysely<unknown>, engine);
  const chainHash = keyedChainHash(o.auditChainKey);
  await rekeyLegacyAuditChains(db, chainHash);
  const writes = new GroupCommit(db);
  const insertAudit = auditInserter(chainHash);

  return {
    idp: createIdpRecordStore(db, writes),
    documents: createDocumentStore(db, writes, insertAudit),
    devices: createDeviceStore(db, writes, insertAudit),

    async listAuditHeads() {
      const heads = await db
        .selectFrom("audit_events as a")
        .select(["a.tenant_id", "a.seq", "a.hash"])
        .where("a.seq", "=", (eb) => eb.selectFrom("audit_events as b").select((b) => b.fn.max("b.seq").as("m")).whereRef("b.tenant_id", "=", "a.tenant_id"))
        .execute();
      return heads.map((h) => ({ tenantId: h.tenant_id, seq: Number(h.seq), hash: h.hash }));
    },

    async listAuditChain(tenantId): Promise<ChainedRow[]> {
      const rows = await db.selectFrom("audit_events").selectAll().where("tenant_id", "=", tenantId).orderBy("id").execute();
      return rows.map((r) => ({
        tenantId: r.tenant_id,
        seq: Number(r.seq),
        sessionId: r.session_id,
        actorId: r.actor_id,
        action: r.action,
        detailJson: r.detail,
        at: Number(r.at),
        prevHash: r.prev_hash,
        hash: r.hash,
      }));
    },

    async getAuditAnchor(tenantId) {
      const doc = await db.selectFrom("tenant_documents").select("body").where("tenant_id", "=", tenantId).where("kind", "=", "audit_anchor").where("id", "=", "chain").executeTakeFirst();
      return doc ? (JSON.parse(doc.body) as ChainAnchor) : null;
    },

    pruneBefore: (tenantId, cutoff, at) =>
      writes.run(async (tx) => {
        const old = await tx.selectFrom("sessions").select("id").where("tenant_id", "=", tenantId).where("status", "=", "ended").where("ended_at", "<", cutoff).execute();
        const ids = old.map((s) => s.id);
        if (ids.length) {
          await tx.deleteFrom("chat_messages").where("session_id", "in", ids).execute();
          await tx.deleteFrom("sessions").where("id", "in", ids).execute();
        }
        const last = await tx.selectFrom("audit_events").select(["seq", "hash"]).where("tenant_id", "=", tenantId).where("at", "<", cutoff).orderBy("seq", "desc").limit(1).executeTakeFirst();
        let auditRows = 0;
        if (last) {
          const deleted = await tx.deleteFrom("audit_events").where("tenant_id", "=", tenantId).where("seq", "<=", Number(last.seq)).executeTakeFirst();
          auditRows = Number(deleted.numDeletedRows);
          const anchor: ChainAnchor = { seq: Number(last.seq), hash: last.hash };
          const body = JSON.stringify(anchor);
          await tx
            .insertInto("tenant_documents")
            .values({ tenant_id: tenantId, kind: "audit_anchor", id: "chain", body, updated_at: at })
            .onConflict((oc) => oc.columns(["tenant_id", "kind", "id"]).doUpdateSet({ body, updated_at: at }))
            .execute();
        }
        if (ids.length || auditRows) {
          await insertAudit(tx, { tenantId, sessionId: null, actorId: null, action: "retention.pruned", detail: { cutoff, sessions: ids.length, auditRows, anchorSeq: last ? Number(last.seq) : null }, at });
        }
        return { sessions: ids.length, auditRows };
      }),

    async listAuditTenants() {
      const rows = await db.selectFrom("audit_events").select("tenant_id").distinct().orderBy("tenant_id").execute();
      return rows.map((r) => r.tenant_id);
    },

    insertSession(s: NewSession, audit) {
      return writes.run(async (tx) => {
        // A code hash already taken (by any broker) inserts nothing: the caller draws another code.
        const inserted = await tx
          .insertInto("sessions")
          .values({
            id: s.id,
            tenant_id: s.tenantId,
            code_hash: s.codeHash,
            code_expires_at: s.codeExpiresAt,
            status: s.status,
            level: s.level,
            requested_level: s.requestedLevel,
            paused: s.paused ? 1 : 0,
            end_reason: s.endReason,
            helper_id: s.helperId,
            helper_name: s.helperName,
            sharer_id: null,
            sharer_name: null,
            helper_profile: JSON.stringify(s.helperProfile),
            sharer_profile: null,
            sharer_target: null,
            helper_resume_hash: s.helperResumeHash,
            sharer_resume_hash: null,
            chat_seq: 0,
            created_at: s.createdAt,
            joined_at: null,
            ended_at: null,
          })
          .onConflict((oc) => oc.column("code_hash").doNothing())
          .returning("id")
          .executeTakeFirst();
        if (!inserted) return false;
        await insertAudit(tx, audit);
        return true;
      });
    },

    async getSession(id) {
      const row = await db.selectFrom("sessions").selectAll().where("id", "=", id).executeTakeFirst();
      return row && toSession(row);
    },

    async redeemCode(codeHash, tenantId, r, audit): Promise<RedeemResult> {
      // The conditional UPDATE is the single-use guarantee: only one caller sees a changed row.
      const updated = await writes.run(async (tx) => {
        const row = await tx
        .updateTable("sessions")
        .set({
          status: "joined",
          sharer_id: r.sharerId,
          sharer_name: r.sharerName,
          sharer_profile: JSON.stringify(r.sharerProfile),
          sharer_target: JSON.stringify(r.sharerTarget),
          version: sql<number>`version + 1`,
          sharer_resume_hash: r.sharerResumeHash,
          joined_at: r.at,
        })
        .where("code_hash", "=", codeHash)
        .where("tenant_id", "=", tenantId)
        .where("status", "=", "created")
        .where("code_expires_at", ">", r.at)
        .returningAll()
        .executeTakeFirst();
        if (row) await insertAudit(tx, { ...audit, tenantId: row.tenant_id, sessionId: row.id });
        return row;
      });
      if (updated) return { ok: true, session: toSession(updated) };
      const row = await db
        .selectFrom("sessions")
        .selectAll()
        .where("code_hash", "=", codeHash)
        .where("tenant_id", "=", tenantId)
        .executeTakeFirst();
      if (!row) return { ok: false, reason: "code_invalid" };
      const session = toSession(row);
      // A code nobody redeemed is spent by time (or by its session ending first), not by use.
      if (session.endReason === "code_cancelled") return { ok: false, reason: "code_cancelled", session };
      const expired = session.joinedAt === null;
      return { ok: false, reason: expired ? "code_expired" : "code_used", session };
    },

    async updateSession(id, patch, audit, expectedVersion) {
      const set: Partial<SessionsTable> = {};
      if (patch.status !== undefined) set.status = patch.status;
      if (patch.level !== undefined) set.level = patch.level;
      if (patch.requestedLevel !== undefined) set.requested_level = patch.requestedLevel;
      if (patch.paused !== undefined) set.paused = patch.paused ? 1 : 0;
      if (patch.endReason !== undefined) set.end_reason = patch.endReason;
      if (patch.endedAt !== undefined) set.ended_at = patch.endedAt;
      if (patch.helperResumeHash !== undefined) set.helper_resume_hash = patch.helperResumeHash;
      if (patch.sharerResumeHash !== undefined) set.sharer_resume_hash = patch.sharerResumeHash;
      if (patch.helperAwaySince !== undefined) set.helper_away_since = patch.helperAwaySince;
      if (patch.sharerAwaySince !== undefined) set.sharer_away_since = patch.sharerAwaySince;
      return writes.run(async (tx) => {
        let query = tx
          .updateTable("sessions")
          .set({ ...set, version: sql<number>`version + 1` })
          .where("id", "=", id);
        if (expectedVersion !== undefined) query = query.where("version", "=", expectedVersion);
        const result = await query.executeTakeFirst();
        if (Number(result.numUpdatedRows) === 0) return false;
        if (audit) await insertAudit(tx, audit);
        return true;
      });
    },

    async listSessions(f) {
      let query = db.selectFrom("sessions").selectAll().where("tenant_id", "=", f.tenantId);
      if (f.from !== undefined) query = query.where("created_at", ">=", f.from);
      if (f.to !== undefined) query = query.where("created_at", "<", f.to);
      if (f.helperId !== undefined) query = query.where("helper_id", "=", f.helperId);
      if (f.sharerId !== undefined) query = query.where("sharer_id", "=", f.sharerId);
      if (f.endReason !== undefined) query = query.where("end_reason", "=", f.endReason);
      else if (!f.includeCancelled) query = query.where((eb) => eb.or([eb("end_reason", "is", null), eb("end_reason", "!=", "code_cancelled")]));
      const rows = await query.orderBy("created_at", "desc").orderBy("id").limit(f.limit).execute();
      return rows.map(toSession);
    },

    async namesOf(tenantId, ids) {
      const names = new Map<string, string>();
      if (ids.length === 0) return names;
      const [helpers, sharers] = await Promise.all([
        db.selectFrom("sessions").select(["helper_id as id", "helper_name as name"]).distinct().where("tenant_id", "=", tenantId).where("helper_id", "in", ids).execute(),
        db.selectFrom("sessions").select(["sharer_id as id", "sharer_name as name"]).distinct().where("tenant_id", "=", tenantId).where("sharer_id", "in", ids).execute(),
      ]);
      for (const row of [...helpers, ...sharers]) if (row.id !== null && row.name !== null) names.set(row.id, row.name);
      return names;
    },

    async listOpenSessions() {
      const rows = await db.selectFrom("sessions").selectAll().where("status", "!=", "ended").execute();
      return rows.map(toSession);
    },

    async appendChat(m) {
      return writes.run(async (tx) => {
        if (m.clientMsgId !== null) {
          const earlier = await tx
            .selectFrom("chat_messages")
            .selectAll()
            .where("session_id", "=", m.sessionId)
            .where("sender_id", "=", m.senderId)
            .where("client_msg_id", "=", m.clientMsgId)
            .executeTakeFirst();
          if (earlier) return { ...toChat(earlier), duplicate: true };
        }
        const bumped = await tx
          .updateTable("sessions")
          .set((eb) => ({ chat_seq: eb("chat_seq", "+", 1) }))
          .where("id", "=", m.sessionId)
          .returning("chat_seq")
          .executeTakeFirstOrThrow();
        const seq = Number(bumped.chat_seq);
        await tx
          .insertInto("chat_messages")
          .values({
            session_id: m.sessionId,
            seq,
            sender_id: m.senderId,
            sender_role: m.senderRole,
            sender_name: m.senderName,
            text: m.text,
            created_at: m.createdAt,
            client_msg_id: m.clientMsgId,
          })
          .execute();
        return { ...m, seq, duplicate: false };
      });
    },

    async listChat(sessionId, afterSeq, limit, maxChars = Infinity) {
      let upTo: number | null = null;
      if (Number.isFinite(maxChars)) {
        // Sizes first, so a page of a long chat never reads more text than it can send.
        const sizes = await db
          .selectFrom("chat_messages")
          .select(["seq", sql<number>`length(text)`.as("chars")])
          .where("session_id", "=", sessionId)
          .where("seq", ">", afterSeq)
          .orderBy("seq")
          .limit(limit)
          .execute();
        // The first message past the budget comes too, so the caller can tell there is more.
        let before = 0;
        const within = sizes.filter((row) => {
          const fits = before <= maxChars;
          before += Number(row.chars);
          return fits;
        });
        if (within.length < sizes.length) upTo = Number(within.at(-1)?.seq ?? afterSeq);
      }
      const rows = await db
        .selectFrom("chat_messages")
        .selectAll()
        .where("session_id", "=", sessionId)
        .where("seq", ">", afterSeq)
        .$if(upTo !== null, (q) => q.where("seq", "<=", upTo!))
        .orderBy("seq")
        .limit(limit)
        .execute();
      return rows.map(toChat);
    },

    appendAudit: (e) => writes.run((tx) => insertAudit(tx, e)),

    async listAudit({ tenantId, sessionId, actorId, actions, from, to, limit = 1000, newestFirst = false, beforeId }) {
      let query = db.selectFrom("audit_events").selectAll().where("tenant_id", "=", tenantId);
      if (sessionId !== undefined) query = query.where("session_id", "=", sessionId);
      if (actorId !== undefined) query = query.where("actor_id", "=", actorId);
      if (actions?.length) query = query.where("action", "in", actions);
      if (from !== undefined) query = query.where("at", ">=", from);
      if (to !== undefined) query = query.where("at", "<", to);
      if (newestFirst && beforeId !== undefined) query = query.where("id", "<", beforeId);
      const rows = await query.orderBy("id", newestFirst ? "desc" : "asc").limit(limit).execute();
      return rows.map(
        (r): AuditEvent => ({
          id: Number(r.id),
          tenantId: r.tenant_id,
          sessionId: r.session_id,
          actorId: r.actor_id,
          action: r.action,
          detail: JSON.parse(r.detail) as Record<string, unknown>,
          at: Number(r.at),
        }),
      );
    },

    async close() {
      await writes.drain();
      await db.destroy();
    },
  };
}

function createIdpRecordStore(db: Kysely<Database>, writes: GroupCommit<Database>): IdpRecordStore {
  const toRecord = (row: { payload: string; expires_at: number | null }): IdpRecord => ({
    payload: JSON.parse(row.payload) as Record<string, unknown>,
    expiresAt: row.expires_at === null ? null : Number(row.expires_at),
  });
  return {
    upsert: (model, id, payload, expiresAt) =>
      writes.run(async (tx) => {
        const values = {
          payload: JSON.stringify(payload),
          grant_id: typeof payload.grantId === "string" ? payload.grantId : null,
          user_code: typeof payload.userCode === "string" ? payload.userCode : null,
          uid: typeof payload.uid === "string" ? payload.uid : null,
          expires_at: expiresAt,
        };
        await tx
          .insertInto("idp_records")
          .values({ model, id, ...values })
          .onConflict((oc) => oc.columns(["model", "id"]).doUpdateSet(values))
          .execute();
      }),
    async find(model, id) {
      const row = await db.selectFrom("idp_records").select(["payload", "expires_at"]).where("model", "=", model).where("id", "=", id).executeTakeFirst();
      return row && toRecord(row);
    },
    async findBy(model, field, value) {
      const column = field === "uid" ? "uid" : "user_code";
      const row = await db.selectFrom("idp_records").select(["payload", "expires_at"]).where("model", "=", model).where(column, "=", value).executeTakeFirst();
      return row && toRecord(row);
    },
    destroy: (model, id) =>
      writes.run(async (tx) => {
        await tx.deleteFrom("idp_records").where("model", "=", model).where("id", "=", id).execute();
      }),
    revokeByGrantId: (grantId) =>
      writes.run(async (tx) => {
        await tx.deleteFrom("idp_records").where("grant_id", "=", grantId).execute();
      }),
    pruneExpired: (now) =>
      writes.run(async (tx) => {
        const result = await tx.deleteFrom("idp_records").where("expires_at", "<=", now).executeTakeFirst();
        return Number(result.numDeletedRows);
      }),
  };
}

type InsertAudit = (db: Kysely<Database>, e: NewAuditEvent) => Promise<AuditEvent>;

/** Appends to the tenant's hash chain; runs inside a write, so the head it reads is the head it extends. */
const auditInserter = (chainHash: ChainHash): InsertAudit => async (db, e) => {
  const head = await db.selectFrom("audit_events").select(["seq", "hash"]).where("tenant_id", "=", e.tenantId).orderBy("seq", "desc").limit(1).executeTakeFirst();
  const seq = head ? Number(head.seq) + 1 : 1;
  const prevHash = head?.hash ?? GENESIS_HASH;
  const detailJson = JSON.stringify(e.detail);
  const hash = chainHash(prevHash, { tenantId: e.tenantId, seq, sessionId: e.sessionId, actorId: e.actorId, action: e.action, detailJson, at: e.at });
  const row = await db
    .insertInto("audit_events")
    .values({ tenant_id: e.tenantId, session_id: e.sessionId, actor_id: e.actorId, action: e.action, detail: detailJson, at: e.at, seq, prev_hash: prevHash, hash })
    .returning("id")
    .executeTakeFirstOrThrow();
  return { ...e, id: Number(row.id) };
};

function createDeviceStore(db: Kysely<Database>, writes: GroupCommit<Database>, insertAudit: InsertAudit): DeviceStore {
  const toDevice = (r: Selectable<DevicesTable>): DeviceRecord => ({
    tenantId: r.tenant_id,
    id: r.id,
    name: r.name,
    platform: r.platform as DeviceRecord["platform"],
    osVersion: r.os_version,
    appVersion: r.app_version,
    ownerId: r.owner_id,
    groups: JSON.parse(r.groups) as string[],
    publicKey: JSON.parse(r.public_key) as DevicePublicKey,
    enrolled: Boolean(r.enrolled),
    registeredAt: Number(r.registered_at),
    lastSeenAt: Number(r.last_seen_at),
  });
  return {
    register: (d, audit) =>
      writes.run(async (tx) => {
        const values = {
          name: d.name,
          platform: d.platform,
          os_version: d.osVersion,
          app_version: d.appVersion,
          owner_id: d.ownerId,
          groups: JSON.stringify(d.groups),
          public_key: JSON.stringify(d.publicKey),
          enrolled: d.enrolled ? 1 : 0,
          last_seen_at: d.lastSeenAt,
        };
        await tx
          .insertInto("devices")
          .values({ tenant_id: d.tenantId, id: d.id, registered_at: d.registeredAt, ...values })
          .onConflict((oc) => oc.columns(["tenant_id", "id"]).doUpdateSet(values))
          .execute();
        await insertAudit(tx, audit);
      }),
    async get(tenantId, id) {
      const row = await db.selectFrom("devices").selectAll().where("tenant_id", "=", tenantId).where("id", "=", id).executeTakeFirst();
      return row && toDevice(row);
    },
    async list(tenantId) {
      return (await db.selectFrom("devices").selectAll().where("tenant_id", "=", tenantId).orderBy("name").execute()).map(toDevice);
    },
    checkIn: (tenantId, id, at, facts) =>
      writes.run(async (tx) => {
        await tx
          .updateTable("devices")
          .set({ last_seen_at: at, ...(facts ? { os_version: facts.osVersion, app_version: facts.appVersion } : {}) })
          .where("tenant_id", "=", tenantId)
          .where("id", "=", id)
          .execute();
      }),
  };
}

function createDocumentStore(db: Kysely<Database>, writes: GroupCommit<Database>, insertAudit: InsertAudit): TenantDocumentStore {
  const toDocument = (r: { id: string; body: string; updated_at: number }): TenantDocument => ({ id: r.id, body: JSON.parse(r.body) as unknown, updatedAt: Number(r.updated_at) });
  return {
    async list(tenantId, kind) {
      const rows = await db.selectFrom("tenant_documents").select(["id", "body", "updated_at"]).where("tenant_id", "=", tenantId).where("kind", "=", kind).orderBy("id").execute();
      return rows.map(toDocument);
    },
    async get(tenantId, kind, id) {
      const row = await db.selectFrom("tenant_documents").select(["id", "body", "updated_at"]).where("tenant_id", "=", tenantId).where("kind", "=", kind).where("id", "=", id).executeTakeFirst();
      return row && toDocument(row);
    },
    put: (tenantId, kind, id, body, audit) =>
      writes.run(async (tx) => {
        const values = { body: JSON.stringify(body), updated_at: audit.at };
        await tx
          .insertInto("tenant_documents")
          .values({ tenant_id: tenantId, kind, id, ...values })
          .onConflict((oc) => oc.columns(["tenant_id", "kind", "id"]).doUpdateSet(values))
          .execute();
        await insertAudit(tx, audit);
      }),
    remove: (tenantId, kind, id, audit) =>
      writes.run(async (tx) => {
        const deleted = await tx.deleteFrom("tenant_documents").where("tenant_id", "=", tenantId).where("kind", "=", kind).where("id", "=", id).executeTakeFirst();
        if (Number(deleted.numDeletedRows) === 0) return false;
        await insertAudit(tx, audit);
        return true;
      }),
  };
}

function toSession(row: Selectable<SessionsTable>): SessionRecord {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    codeExpiresAt: Number(row.code_expires_at),
    status: row.status as SessionStatus,
    level: row.level as Level | null,
    requestedLevel: row.requested_level as Level | null,
    paused: Boolean(row.paused),
    endReason: row.end_reason as EndReason | null,
    helperId: row.helper_id,
    helperName: row.helper_name,
    sharerId: row.sharer_id,
    sharerName: row.sharer_name,
    helperProfile: JSON.parse(row.helper_profile) as Party,
    sharerProfile: row.sharer_profile === null ? null : (JSON.parse(row.sharer_profile) as Party),
    sharerTarget: row.sharer_target === null ? null : (JSON.parse(row.sharer_target) as SharerTarget),
    helperResumeHash: row.helper_resume_hash,
    sharerResumeHash: row.sharer_resume_hash,
    createdAt: Number(row.created_at),
    joinedAt: row.joined_at === null ? null : Number(row.joined_at),
    endedAt: row.ended_at === null ? null : Number(row.ended_at),
    version: Number(row.version),
    helperAwaySince: row.helper_away_since === null ? null : Number(row.helper_away_since),
    sharerAwaySince: row.sharer_away_since === null ? null : Number(row.sharer_away_since),
  };
}

function toChat(r: Selectable<ChatMessagesTable>): StoredChatMessage {
  return {
    sessionId: r.session_id,
    seq: Number(r.seq),
    senderId: r.sender_id,
    senderRole: r.sender_role as PartyRole,
    senderName: r.sender_name,
    text: r.text,
    createdAt: Number(r.created_at),
    clientMsgId: r.client_msg_id,
  };
}
