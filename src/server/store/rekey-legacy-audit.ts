import type { Kysely } from "kysely";
import { type ChainAnchor, type ChainHash, type ChainedRow, legacyChainHash, verifyChain } from "./audit-chain.js";
import type { Database } from "./schema.js";

/**
 * Audit chains written before the chain was keyed (plain SHA-256) are keyed
 * once, the first time the store opens with a key: each tenant whose newest
 * row carries a plain hash, and whose plain chain is intact, is re-hashed in
 * one transaction. A legacy chain that is already broken is left as it is,
 * so verification still names the break instead of re-keying over it.
 */
export async function rekeyLegacyAuditChains(db: Kysely<Database>, chainHash: ChainHash): Promise<string[]> {
  const rekeyed: string[] = [];
  const tenants = await db.selectFrom("audit_events").select("tenant_id").distinct().execute();
  for (const { tenant_id: tenantId } of tenants) {
    const head = await db.selectFrom("audit_events").selectAll().where("tenant_id", "=", tenantId).orderBy("seq", "desc").limit(1).executeTakeFirstOrThrow();
    const headRow = toChained(head);
    if (chainHash(headRow.prevHash, headRow) === headRow.hash || legacyChainHash(headRow.prevHash, headRow) !== headRow.hash) continue;
    await db.transaction().execute(async (tx) => {
      const rows = (await tx.selectFrom("audit_events").selectAll().where("tenant_id", "=", tenantId).orderBy("id").execute()).map(toChained);
      const anchorDoc = await tx.selectFrom("tenant_documents").select("body").where("tenant_id", "=", tenantId).where("kind", "=", "audit_anchor").where("id", "=", "chain").executeTakeFirst();
      const anchor = anchorDoc ? (JSON.parse(anchorDoc.body) as ChainAnchor) : null;
      if (!verifyChain(tenantId, rows, legacyChainHash, anchor).ok) return;
      let prevHash = rows[0]!.prevHash; // the genesis, or the anchor retention left
      for (const row of rows) {
        const hash = chainHash(prevHash, row);
        await tx.updateTable("audit_events").set({ prev_hash: prevHash, hash }).where("tenant_id", "=", tenantId).where("seq", "=", row.seq).execute();
        prevHash = hash;
      }
      rekeyed.push(tenantId);
    });
  }
  return rekeyed;
}

function toChained(r: { tenant_id: string; seq: number | string | bigint; session_id: string | null; actor_id: string | null; action: string; detail: string; at: number | string | bigint; prev_hash: string; hash: string }): ChainedRow {
  return { tenantId: r.tenant_id, seq: Number(r.seq), sessionId: r.session_id, actorId: r.actor_id, action: r.action, detailJson: r.detail, at: Number(r.at), prevHash: r.prev_hash, hash: r.hash };
}
