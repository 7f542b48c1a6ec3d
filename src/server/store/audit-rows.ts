import type { Kysely } from "kysely";
import { type ChainAnchor, type ChainHash, type ChainedRow, GENESIS_HASH } from "./audit-chain.js";
import type { GroupCommit } from "./group-commit.js";
import type { Database } from "./schema.js";
import type { AuditEvent, NewAuditEvent, Store } from "./store.js";

export type InsertAudit = ((db: Kysely<Database>, e: NewAuditEvent) => Promise<AuditEvent>) & {
  /** Forget the heads this process knows (all, or one tenant's): the next insert reads the head from the database. */
  forget(tenantId?: string): void;
};

/** Tenants whose chain head is remembered at most; past it the least recently written go first. */
const KEPT_HEADS = 10_000;
/**
 * A remembered head is used for this long: a row this recent is never pruned (retention keeps 30 days at least),
 * so another broker's pruning cannot have taken it away from under us.
 */
const HEAD_KEPT_MS = 30_000;

/**
 * Appends to the tenant's hash chain; runs inside a write, so the head it extends is the head of that transaction.
 * The head each insert makes is remembered, so the next one need not read it back (a setup writes five rows):
 * writes of this process run one transaction at a time (group-commit.ts), and a transaction that fails makes
 * it forget them all (its rows are gone). Another broker's row is no risk: it takes the next seq first, and
 * ours then fails on the unique (tenant, seq) and is retried alone, reading the head again.
 */
export const auditInserter = (chainHash: ChainHash): InsertAudit => {
  const heads = new Map<string, { seq: number; hash: string; at: number }>();
  const remembered = (tenantId: string) => {
    const head = heads.get(tenantId);
    return head && Date.now() - head.at < HEAD_KEPT_MS ? head : undefined;
  };
  const insert = async (db: Kysely<Database>, e: NewAuditEvent): Promise<AuditEvent> => {
    const head = remembered(e.tenantId) ?? (await db.selectFrom("audit_events").select(["seq", "hash"]).where("tenant_id", "=", e.tenantId).orderBy("seq", "desc").limit(1).executeTakeFirst());
    const seq = head ? Number(head.seq) + 1 : 1;
    const prevHash = head?.hash ?? GENESIS_HASH;
    const detailJson = JSON.stringify(e.detail);
    const hash = chainHash(prevHash, { tenantId: e.tenantId, seq, sessionId: e.sessionId, actorId: e.actorId, action: e.action, detailJson, at: e.at });
    const row = await db
      .insertInto("audit_events")
      .values({ tenant_id: e.tenantId, session_id: e.sessionId, actor_id: e.actorId, action: e.action, detail: detailJson, at: e.at, seq, prev_hash: prevHash, hash })
      .returning("id")
      .executeTakeFirstOrThrow();
    heads.delete(e.tenantId);
    heads.set(e.tenantId, { seq, hash, at: Date.now() });
    if (heads.size > KEPT_HEADS) heads.delete(heads.keys().next().value!);
    return { ...e, id: Number(row.id) };
  };
  return Object.assign(insert, { forget: (tenantId?: string) => void (tenantId === undefined ? heads.clear() : heads.delete(tenantId)) });
};

type AuditRows = Pick<Store, "listAuditHeads" | "listAuditChain" | "getAuditAnchor" | "pruneBefore" | "listAuditTenants" | "appendAudit" | "listAudit">;

/** The audit log's rows: appended to each tenant's chain, read back a page or a chain at a time, pruned behind an anchor. */
export function createAuditRows(db: Kysely<Database>, writes: GroupCommit<Database>, insertAudit: InsertAudit): AuditRows {
  return {
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
          if (auditRows) insertAudit.forget(tenantId); // rows up to the head may be gone: read what is there
          await insertAudit(tx, { tenantId, sessionId: null, actorId: null, action: "retention.pruned", detail: { cutoff, sessions: ids.length, auditRows, anchorSeq: last ? Number(last.seq) : null }, at });
        }
        return { sessions: ids.length, auditRows };
      }),

    async listAuditTenants() {
      const rows = await db.selectFrom("audit_events").select("tenant_id").distinct().orderBy("tenant_id").execute();
      return rows.map((r) => r.tenant_id);
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
  };
}
