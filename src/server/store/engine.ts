import path from "node:path";
import fs from "node:fs";
import BetterSqlite3 from "better-sqlite3";
import { Kysely, PostgresDialect, SqliteDialect } from "kysely";
import pg from "pg";
import type { Database } from "./schema.js";

export type Engine = "sqlite" | "postgres";

/** PostgreSQL for several brokers (DATABASE_URL); the pool is per broker. */
export function openPostgres(url: string, poolSize: number): Kysely<Database> {
  const pool = new pg.Pool({ connectionString: url, max: poolSize, connectionTimeoutMillis: 5_000 });
  // A connection dropped by a restarting server is replaced on next use; the query that needs the server then
  // fails with its own error. The pool reports idle clients' errors; a client that is checked out (between a
  // transaction's queries, say) emits its own, and unhandled either would kill the broker.
  pool.on("error", () => undefined);
  pool.on("connect", (client) => void client.on("error", () => undefined));
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

const UNREACHABLE_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT", "57P01", "57P02", "57P03", "08000", "08001", "08003", "08006"]);

/** Whether an error means the database cannot be reached right now (restarting, failing over), rather than a bad query. */
export function isStoreUnreachable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string" && UNREACHABLE_CODES.has(code)) return true;
  if (error instanceof AggregateError && error.errors.some(isStoreUnreachable)) return true;
  return /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(error.message);
}

/** The embedded engine: one SQLite file in the data folder (or `:memory:`). */
export function openSqlite(file: string): Kysely<Database> {
  if (file !== ":memory:") fs.mkdirSync(path.dirname(file), { recursive: true });
  const database = new BetterSqlite3(file);
  // WAL lets readers run while the broker writes; foreign keys are off by default in SQLite.
  database.pragma("journal_mode = WAL");
  database.pragma("synchronous = NORMAL");
  database.pragma("foreign_keys = ON");
  return new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(database) }) });
}

/**
 * Kysely prepares every query anew; preparing costs as much as running a small
 * statement. Queries are parameterised, so their SQL repeats and the prepared
 * statement can be reused (better-sqlite3 runs one statement at a time).
 */
function withStatementCache(database: BetterSqlite3.Database, limit = 500) {
  const statements = new Map<string, BetterSqlite3.Statement>();
  return {
    prepare(sql: string) {
      let statement = statements.get(sql);
      if (!statement) {
        if (statements.size >= limit) statements.clear();
        statement = database.prepare(sql);
        statements.set(sql, statement);
      }
      return statement;
    },
    close() {
      statements.clear();
      database.close();
    },
  };
}
