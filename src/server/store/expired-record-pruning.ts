import type { Clock, Timer } from "../clock.js";
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
  let timer: Timer | null = null;
  let stopped = false;
  const runOnce = () => o.records.pruneExpired(o.clock.now());
  const schedule = () => {
    if (stopped) return;
    timer = o.clock.setTimer(o.everyMs, () => {
      runOnce().catch(o.log).finally(schedule);
    });
  };
  runOnce().catch(o.log).finally(schedule);
  return {
    runOnce,
    stop() {
      stopped = true;
      timer?.cancel();
    },
  };
}
