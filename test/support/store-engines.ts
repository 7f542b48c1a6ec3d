import type { Kysely } from "kysely";
import { openSqlite } from "../../src/server/store/engine.js";
import { createKyselyStore } from "../../src/server/store/kysely-store.js";
import type { Database } from "../../src/server/store/schema.js";
import type { Store } from "../../src/server/store/store.js";

/**
 * The engines the store contract runs against. Each entry opens a fresh, empty
 * store, and hands out the raw database too (to play the attacker who edits
 * rows behind the broker's back). PostgreSQL joins this list with the
 * scale-out work (DATABASE_URL).
 */
export const storeEngines: { name: string; open: () => Promise<{ store: Store; db: Kysely<Database> }> }[] = [
  {
    name: "sqlite (better-sqlite3, in memory)",
    open: async () => {
      const db = openSqlite(":memory:");
      return { store: await createKyselyStore(db, "sqlite"), db };
    },
  },
];
