import { type Clock, repeatEvery } from "../clock.js";
import type { IdpRecordStore } from "./store.js";

/**
 * Sign-ins that were started and never finished (the console's pending rows,
 * the identity provider's interactions) and other expired records are
 * removed at start and then on a timer, so what unauthenticated requests
 * leave behind does not outlive its expiry, across restarts too.
 */
export interface RecordPruning {
  runOnce(): Promise<number>;
  stop(): void;
}

export function startExpiredRecordPruning(o: { records: IdpRecordStore; clock: Clock; everyMs: number; log: (error: unknown) => void }): RecordPruning {
  const runOnce = () => o.records.pruneExpired(o.clock.now());
  runOnce().catch(o.log);
  const schedule = repeatEvery(o.clock, o.everyMs, runOnce, o.log);
  return { runOnce, stop: () => schedule.stop() };
}
