import { testStoreOptions } from "./audit-keys.js";
import type { Kysely } from "kysely";
import { inject } from "vitest";
import { openPostgres, openSqlite } from "../../src/server/store/engine.js";
import { createKyselyStore } from "../../src/server/store/kysely-store.js";
import type { Database } from "../../src/server/store/schema.js";
import type { Store } from "../../src/server/store/store.js";
import { createTestDatabase } from "./postgres-database.js";

/**
 * The engines the store contract runs against. Each `open` makes a fresh,
 * empty store and hands out the raw database too (to play the attacker who
 * edits rows behind the broker's back).
 */
export interface StoreEngine {
  name: string;
  /** Why this engine cannot run here, or null when it can. */
  unavailable: string | null;
  open: () => Promise<{ store: Store; db: Kysely<Database> }>;
}

const postgresUrl = inject("postgresUrl");

export const storeEngines: StoreEngine[] = [
  {
    name: "sqlite (better-sqlite3, in memory)",
    unavailable: null,
    open: async () => {
      const db = openSqlite(":memory:");
      return { store: await createKyselyStore(db, "sqlite", testStoreOptions), db };
    },
  },
  {
    name: "postgresql",
    unavailable: postgresUrl ? null : "PostgreSQL is not installed",
    open: async () => {
      // A database of its own per test, so every test starts empty.
      const db = openPostgres(await createTestDatabase(postgresUrl!, "contract"), 10);
      return { store: await createKyselyStore(db, "postgres", testStoreOptions), db };
    },
  },
];
