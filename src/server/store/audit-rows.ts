import type { Kysely } from "kysely";
import type { ChainAnchor, ChainedRow } from "./audit-chain.js";
import type { InsertAudit } from "./audit-append.js";
import type { GroupCommit } from "./group-commit.js";
import type { Database } from "./schema.js";
import type { AuditEvent, Store } from "./store.js";

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
          insertAudit(tx, { tenantId, sessionId: null, actorId: null, action: "retention.pruned", detail: { cutoff, sessions: ids.length, auditRows, anchorSeq: last ? Number(last.seq) : null }, at });
        }
        return { sessions: ids.length, auditRows };
      }),

    async listAuditTenants() {
      const rows = await db.selectFrom("audit_events").select("tenant_id").distinct().orderBy("tenant_id").execute();
      return rows.map((r) => r.tenant_id);
    },

    appendAudit: (e) => writes.run(async (tx) => insertAudit(tx, e)),

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
