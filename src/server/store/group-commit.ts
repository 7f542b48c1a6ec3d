import type { Kysely } from "kysely";

/**
 * Group commit: writes issued in the same turn of the event loop share one
 * transaction, so under load a commit carries many sessions' changes instead
 * of one (on SQLite, the WAL write per commit is most of a write's cost). At
 * low load a write is simply its own transaction, one tick later.
 *
 * A write that fails takes its batch's transaction with it; the batch is then
 * replayed one write per transaction, so only the failing write fails, and a
 * write that lost a uniqueness race to another broker is tried again. Writes
 * are therefore database work only, safe to run again from the start.
 */
type Write<DB> = { work: (tx: Kysely<DB>) => Promise<unknown>; resolve: (v: unknown) => void; reject: (e: unknown) => void };

export class GroupCommit<DB> {
  private queue: Write<DB>[] = [];
  private flushing: Promise<void> | null = null;
  private scheduled = false;

  /**
   * `beforeCommit`: the last work of every transaction (the audit rows its writes queued go on the chain there).
   * `rolledBack`: a transaction failed, so what was remembered from inside it (the audit chain's heads) is void.
   */
  constructor(
    private readonly db: Kysely<DB>,
    private readonly hooks: { beforeCommit?: (tx: Kysely<DB>) => Promise<void>; rolledBack?: () => void } = {},
  ) {}

  private rolledBack() {
    this.hooks.rolledBack?.();
  }

  /** One transaction running these writes in order, then the commit hook; their results, in order. */
  private transaction(writes: Write<DB>[]): Promise<unknown[]> {
    return this.db.transaction().execute(async (tx) => {
      const out: unknown[] = [];
      for (const write of writes) out.push(await write.work(tx));
      await this.hooks.beforeCommit?.(tx);
      return out;
    });
  }

  run<T>(work: (tx: Kysely<DB>) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve: resolve as (v: unknown) => void, reject });
      this.schedule();
    });
  }

  /** Resolves once every write queued so far is committed. */
  async drain(): Promise<void> {
    while (this.queue.length > 0 || this.flushing || this.scheduled) {
      await (this.flushing ?? new Promise((resolve) => setImmediate(resolve)));
    }
  }

  private schedule() {
    if (this.scheduled || this.flushing) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.flushing = this.flush().finally(() => {
        this.flushing = null;
        if (this.queue.length > 0) this.schedule();
      });
    });
  }

  /**
   * One write in its own transaction. A uniqueness conflict means another
   * writer (another broker) got there first, e.g. to the audit chain's next
   * position: the write is decided again on what is there now. Under heavy
   * contention the same writer can lose several times in a row, so it tries
   * up to 20 times with growing, jittered pauses (a loser never starves).
   */
  private async alone(write: Write<DB>): Promise<unknown> {
    for (let attempt = 1; ; attempt++) {
      try {
        return (await this.transaction([write]))[0];
      } catch (error) {
        this.rolledBack();
        if (!isConflict(error) || attempt >= 20) throw error;
        await new Promise((resolve) => setTimeout(resolve, 1 + Math.random() * 5 * Math.min(attempt, 10)));
      }
    }
  }

  private async flush(): Promise<void> {
    const batch = this.queue.splice(0);
    try {
      const values = await this.transaction(batch);
      batch.forEach((write, i) => write.resolve(values[i]));
    } catch (error) {
      this.rolledBack();
      // A lone write that failed on its own account fails; otherwise each write is tried alone, so only a failing one fails.
      if (batch.length === 1 && !isConflict(error)) return batch[0]!.reject(error);
      for (const write of batch) {
        try {
          write.resolve(await this.alone(write));
        } catch (alone) {
          write.reject(alone);
        }
      }
    }
  }
}

/** Lost to another writer: a unique-constraint violation, as PostgreSQL (23505) and better-sqlite3 report it, or a deadlock PostgreSQL broke by failing this transaction (40P01). */
const CONFLICT_CODES = new Set(["23505", "40P01", "SQLITE_CONSTRAINT_UNIQUE", "SQLITE_CONSTRAINT_PRIMARYKEY"]);
function isConflict(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && CONFLICT_CODES.has(code);
}
