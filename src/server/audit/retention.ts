import { type Clock, repeatEvery } from "../clock.js";
import type { Store } from "../store/store.js";

/**
 * Keeps each tenant's sessions, chat and audit rows for its retention period
 * (tenant setting `auditRetentionDays`), then removes them. The audit chain
 * stays verifiable: it restarts from an anchor, and the pruning is itself
 * written to the chain.
 */
export interface RetentionJob {
  runOnce(): Promise<{ tenantId: string; sessions: number; auditRows: number }[]>;
  stop(): void;
}

/** A tenant's retention period in days (its `auditRetentionDays` setting). */
export type RetentionDays = (tenantId: string) => Promise<number>;

export function startRetentionJob(o: { store: Store; retentionDays: RetentionDays; clock: Clock; everyMs: number; log: (error: unknown) => void }): RetentionJob {

  async function runOnce() {
    const results = [];
    for (const tenantId of await o.store.listAuditTenants()) {
      const days = await o.retentionDays(tenantId);
      const now = o.clock.now();
      const removed = await o.store.pruneBefore(tenantId, now - days * 86_400_000, now);
      results.push({ tenantId, ...removed });
    }
    return results;
  }

  const schedule = repeatEvery(o.clock, o.everyMs, runOnce, o.log);
  return { runOnce, stop: () => schedule.stop() };
}
