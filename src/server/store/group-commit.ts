import { type Kysely, sql } from "kysely";

/**
 * Group commit: writes issued in the same turn of the event loop share one
 * transaction, so under load a commit carries many sessions' changes instead
 * of one (on SQLite, the WAL write per commit is most of a write's cost). Each
 * write runs in its own savepoint: one that fails rolls back alone and rejects
 * alone. At low load a write is simply its own transaction, one tick later.
 */
export class GroupCommit<DB> {
  private queue: { work: (tx: Kysely<DB>) => Promise<unknown>; resolve: (v: unknown) => void; reject: (e: unknown) => void }[] = [];
  private flushing: Promise<void> | null = null;
  private scheduled = false;

  constructor(private readonly db: Kysely<DB>) {}

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

  private async flush(): Promise<void> {
    const batch = this.queue.splice(0);
    const outcomes: { ok: boolean; value: unknown }[] = [];
    try {
      await this.db.transaction().execute(async (tx) => {
        if (batch.length === 1) {
          // Alone in its transaction, a write needs no savepoint: its failure rolls back the transaction.
          outcomes.push({ ok: true, value: await batch[0]!.work(tx) });
          return;
        }
        for (const item of batch) {
          await sql`savepoint group_write`.execute(tx);
          try {
            const value = await item.work(tx);
            await sql`release savepoint group_write`.execute(tx);
            outcomes.push({ ok: true, value });
          } catch (error) {
            await sql`rollback to savepoint group_write`.execute(tx);
            await sql`release savepoint group_write`.execute(tx);
            outcomes.push({ ok: false, value: error });
          }
        }
      });
    } catch (error) {
      // A lone write failed, or the commit itself did: nothing of the batch is stored.
      for (const item of batch) item.reject(error);
      return;
    }
    batch.forEach((item, i) => (outcomes[i]!.ok ? item.resolve(outcomes[i]!.value) : item.reject(outcomes[i]!.value)));
  }
}
