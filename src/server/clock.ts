/**
 * Business time for services: code expiry, grace periods, rate windows, audit
 * times. Injected so tests can move time forward without waiting.
 */
export interface Timer {
  cancel(): void;
}

export interface Clock {
  now(): number;
  setTimer(delayMs: number, fn: () => void): Timer;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(delayMs, fn) {
    const handle = setTimeout(fn, delayMs);
    handle.unref();
    return { cancel: () => clearTimeout(handle) };
  },
};

/**
 * Runs `work` every `everyMs` of business time, the next run timed from the
 * end of the last (a slow run never overlaps the next); failures are logged
 * and the schedule goes on. `stop` ends it.
 */
export function repeatEvery(clock: Clock, everyMs: number, work: () => Promise<unknown>, log: (error: unknown) => void): { stop(): void } {
  let timer: Timer | null = null;
  let stopped = false;
  const schedule = () => {
    if (stopped) return;
    timer = clock.setTimer(everyMs, () => {
      work().catch(log).finally(schedule);
    });
  };
  schedule();
  return {
    stop() {
      stopped = true;
      timer?.cancel();
    },
  };
}
