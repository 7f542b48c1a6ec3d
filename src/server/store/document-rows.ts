import type { Kysely } from "kysely";
import type { InsertAudit } from "./audit-append.js";
import type { GroupCommit } from "./group-commit.js";
import type { Database } from "./schema.js";
import type { TenantDocument, TenantDocumentStore } from "./store.js";

/** A tenant's settings, roles, assignments and policies as documents, each change audited with it. */
export function createDocumentStore(db: Kysely<Database>, writes: GroupCommit<Database>, insertAudit: InsertAudit): TenantDocumentStore {
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
        insertAudit(tx, audit);
      }),
    remove: (tenantId, kind, id, audit) =>
      writes.run(async (tx) => {
        const deleted = await tx.deleteFrom("tenant_documents").where("tenant_id", "=", tenantId).where("kind", "=", kind).where("id", "=", id).executeTakeFirst();
        if (Number(deleted.numDeletedRows) === 0) return false;
        insertAudit(tx, audit);
        return true;
      }),
  };
}
