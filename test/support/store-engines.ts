import { openSqlite } from "../../src/server/store/engine.js";
import { createKyselyStore } from "../../src/server/store/kysely-store.js";
import type { Store } from "../../src/server/store/store.js";

/**
 * The engines the store contract runs against. Each entry opens a fresh, empty
 * store. PostgreSQL joins this list with the scale-out work (DATABASE_URL).
 */
export const storeEngines: { name: string; open: () => Promise<Store> }[] = [
  { name: "sqlite (better-sqlite3, in memory)", open: () => createKyselyStore(openSqlite(":memory:"), "sqlite") },
];
