import path from "node:path";
import { verifyChain } from "../src/server/audit/audit-chain.js";
import { configFromEnv } from "../src/server/config.js";
import { openSqlite } from "../src/server/store/engine.js";
import { createKyselyStore } from "../src/server/store/kysely-store.js";

// `npm run audit:verify`: recomputes every tenant's audit hash chain in the
// broker's database and names each edited, missing or reordered row.
// Exit code 0 when every chain is intact, 1 when any is broken.
const config = configFromEnv();
const file = config.sqliteFile ?? path.join(config.dataDir, "tandem.sqlite");
const store = await createKyselyStore(openSqlite(file), "sqlite");
let broken = 0;
for (const tenantId of await store.listAuditTenants()) {
  const anchor = await store.getAuditAnchor(tenantId);
  const report = verifyChain(tenantId, await store.listAuditChain(tenantId), anchor);
  console.log(`${report.ok ? "intact" : "BROKEN"}  ${tenantId}: ${report.rows} rows${anchor ? ` (from row ${anchor.seq + 1}; older rows removed by retention)` : ""}`);
  for (const p of report.problems) console.log(`        row ${p.seq}: ${p.problem.replace(/_/g, " ")}`);
  if (!report.ok) broken++;
}
await store.close();
console.log(broken ? `${broken} tenant chain(s) broken` : `all audit chains intact (${file})`);
process.exit(broken ? 1 : 0);
