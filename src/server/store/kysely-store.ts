import type { Kysely } from "kysely";
import { keyedChainHash } from "./audit-chain.js";
import { auditAppender } from "./audit-append.js";
import { createAuditRows } from "./audit-rows.js";
import { createChatRows } from "./chat-rows.js";
import { createDeviceStore } from "./device-rows.js";
import { createDocumentStore } from "./document-rows.js";
import type { Engine } from "./engine.js";
import { GroupCommit } from "./group-commit.js";
import { createIdpRecordStore } from "./idp-record-rows.js";
import { migrateToLatest } from "./migrations.js";
import { rekeyLegacyAuditChains } from "./rekey-legacy-audit.js";
import type { Database } from "./schema.js";
import { createSessionRows } from "./session-rows.js";
import type { Store } from "./store.js";

/**
 * The store contract over Kysely; the SQL is the same on every engine. One
 * file per kind of record; they share the write queue (group commit) and the
 * audit inserter, so a change and its audit row are one transaction.
 * `auditChainKey`: the audit chain's HMAC key, kept outside the database (see audit-keys.ts).
 */
export async function createKyselyStore(db: Kysely<Database>, engine: Engine, o: { auditChainKey: Buffer }): Promise<Store> {
  await migrateToLatest(db as Kysely<unknown>, engine);
  const chainHash = keyedChainHash(o.auditChainKey);
  await rekeyLegacyAuditChains(db, chainHash);
  const insertAudit = auditAppender(chainHash, { lockAcrossBrokers: engine === "postgres" });
  const writes = new GroupCommit(db, { beforeCommit: insertAudit.flush, rolledBack: () => insertAudit.forget() });
  return {
    idp: createIdpRecordStore(db, writes),
    documents: createDocumentStore(db, writes, insertAudit),
    devices: createDeviceStore(db, writes, insertAudit),
    ...createSessionRows(db, writes, insertAudit),
    ...createChatRows(db, writes),
    ...createAuditRows(db, writes, insertAudit),
    async close() {
      await writes.drain();
      await db.destroy();
    },
  };
}
