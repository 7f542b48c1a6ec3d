import type { Clock } from "../clock.js";

/**
 * Counts failed attempts per key in a sliding window (code guesses per user and
 * per address). In-process for one broker; the Redis-backed twin shares counts.
 */
export interface AttemptLimiter {
  /** Milliseconds until the key may try again, or 0 when it may try now. */
  retryAfter(key: string): number;
  recordFailure(key: string): void;
}

export function createAttemptLimiter(clock: Clock, maxFailures: number, windowMs: number): AttemptLimiter {
  const failures = new Map<string, number[]>();
  const recent = (key: string) => {
    const cutoff = clock.now() - windowMs;
    const times = (failures.get(key) ?? []).filter((t) => t > cutoff);
    if (times.length === 0) failures.delete(key);
    else failures.set(key, times);
    return times;
  };
  return {
    retryAfter(key) {
      const times = recent(key);
      if (times.length < maxFailures) return 0;
      return times[times.length - maxFailures]! + windowMs - clock.now();
    },
    recordFailure(key) {
      failures.set(key, [...recent(key), clock.now()]);
    },
  };
}
