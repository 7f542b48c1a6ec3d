import type { Kysely } from "kysely";
import type { GroupCommit } from "./group-commit.js";
import type { Database } from "./schema.js";
import type { IdpRecord, IdpRecordStore } from "./store.js";

/** The embedded IdP's records (grants, codes, sessions), each with its expiry. */
export function createIdpRecordStore(db: Kysely<Database>, writes: GroupCommit<Database>): IdpRecordStore {
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
