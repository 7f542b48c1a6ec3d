import fs from "node:fs";
import path from "node:path";
import { createAuditVerifier } from "../src/server/audit/audit-verifier.js";
import { loadOrCreateAuditKeys } from "../src/server/audit/audit-keys.js";
import { auditFilesOf, configFromEnv } from "../src/server/config.js";
import { openPostgres, openSqlite } from "../src/server/store/engine.js";
import { createKyselyStore } from "../src/server/store/kysely-store.js";

// `npm run audit:verify`: checks every tenant's audit log in the broker's
// database against its keyed hash chain (the key is in the data folder, not
// the database) and the newest signed checkpoint of its head, and names each
// edited, missing or reordered row, and a log cut short or rewritten since a
// checkpoint. Exit code 0 when every log is intact, 1 when any is not.
const config = configFromEnv();
const files = auditFilesOf(config);
if (!fs.existsSync(files.keyFile)) {
  console.error(`tandem: no audit key at ${files.keyFile} (TANDEM_AUDIT_KEY_FILE): the chain cannot be checked without the key it was written with`);
  process.exit(2);
}
const keys = loadOrCreateAuditKeys(files.keyFile);
const where = config.databaseUrl ? "PostgreSQL" : (config.sqliteFile ?? path.join(config.dataDir, "tandem.sqlite"));
const store = config.databaseUrl
  ? await createKyselyStore(openPostgres(config.databaseUrl, 2), "postgres", { auditChainKey: keys.chainKey })
  : await createKyselyStore(openSqlite(where), "sqlite", { auditChainKey: keys.chainKey });
const verify = createAuditVerifier({ store, keys, checkpointFile: files.checkpointFile });
const WORDS: Record<string, string> = {
  edited: "edited (its hash does not hold: changed without the key)",
  missing_before: "rows missing before it",
  out_of_order: "out of order",
  truncated: "gone: the log was cut short (a signed checkpoint saw this row)",
  rewritten: "rewritten since a signed checkpoint saw it (the chain was recomputed)",
};
let broken = 0;
let forged = 0;
for (const tenantId of await store.listAuditTenants()) {
  const report = await verify(tenantId);
  forged = report.forgedCheckpoints;
  const anchor = await store.getAuditAnchor(tenantId);
  const against = report.checkpoint ? `, held against the checkpoint of row ${report.checkpoint.seq} at ${new Date(report.checkpoint.at).toISOString()}` : ", no checkpoint yet";
  const intact = report.problems.length === 0;
  console.log(`${intact ? "intact" : "BROKEN"}  ${tenantId}: ${report.rows} rows${anchor ? ` (from row ${anchor.seq + 1}; older rows removed by retention)` : ""}${against}`);
  for (const p of report.problems) console.log(`        row ${p.seq}: ${WORDS[p.problem] ?? p.problem}`);
  if (!intact) broken++;
}
await store.close();
if (forged) console.log(`${forged} checkpoint line(s) in ${files.checkpointFile} are not signed with this broker's audit key`);
console.log(broken || forged ? `${broken} tenant log(s) broken` : `all audit logs intact (${where}; checkpoints ${files.checkpointFile})`);
console.log(`checkpoint public key (to check shipped checkpoints elsewhere):\n${keys.publicKeyPem.trim()}`);
process.exit(broken || forged ? 1 : 0);
