import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import type { Clock } from "../clock.js";

/**
 * Counts failed attempts per key in a sliding window (code guesses per user and
 * per address). In process for one broker; in Redis for several, so a guesser
 * gains nothing by spreading attempts over brokers.
 */
export interface AttemptLimiter {
  /** Milliseconds until the key may try again, or 0 when it may try now. */
  retryAfter(key: string): Promise<number>;
  recordFailure(key: string): Promise<void>;
}

/** Given failure times (ascending) inside the window: how long until one drops out, when at the limit. */
function waitFor(times: number[], maxFailures: number, windowMs: number, now: number): number {
  return times.length < maxFailures ? 0 : Math.max(0, times[times.length - maxFailures]! + windowMs - now);
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
    retryAfter: async (key) => waitFor(recent(key), maxFailures, windowMs, clock.now()),
    async recordFailure(key) {
      failures.set(key, [...recent(key), clock.now()]);
    },
  };
}

export function createRedisAttemptLimiter(redis: Redis, name: string, clock: Clock, maxFailures: number, windowMs: number): AttemptLimiter {
  const redisKey = (key: string) => `attempts:${name}:${key}`;
  return {
    async retryAfter(key) {
      const now = clock.now();
      const [, scores] = (await redis.multi().zremrangebyscore(redisKey(key), "-inf", now - windowMs).zrange(redisKey(key), "0", "-1", "WITHSCORES").exec())!;
      const flat = (scores?.[1] as string[] | undefined) ?? [];
      const times = flat.filter((_, i) => i % 2 === 1).map(Number);
      return waitFor(times, maxFailures, windowMs, now);
    },
    async recordFailure(key) {
      const now = clock.now();
      await redis.multi().zadd(redisKey(key), now, `${now}:${randomUUID()}`).pexpire(redisKey(key), windowMs).exec();
    },
  };
}
