import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import type { Clock } from "../clock.js";
import { setNewest } from "../newest-entries.js";

/**
 * Counts attempts per key in a sliding window (code guesses per user and per
 * address). An attempt is counted before the work it guards, in one atomic
 * step, so simultaneous attempts cannot all pass a check made before any of
 * them was counted; one that turns out not to be a failure is refunded. In
 * process for one broker; in Redis (one Lua script) for several, so a guesser
 * gains nothing by spreading attempts over connections or brokers.
 */
export interface AttemptLimiter {
  /** Counts an attempt; `wait` > 0 means refused (nothing counted) and says for how long. */
  take(key: string): Promise<Attempt>;
}

export interface Attempt {
  wait: number;
  /** Un-counts this attempt (it succeeded, or never reached the check). */
  refund(): Promise<void>;
}

const noRefund = async () => undefined;
/** Keys kept at most in process; past it the least recently counted go first. */
export const MAX_KEYS = 100_000;

/** Given attempt times (ascending) inside the window: how long until one drops out, when at the limit. */
function waitFor(times: number[], maxAttempts: number, windowMs: number, now: number): number {
  return times.length < maxAttempts ? 0 : Math.max(1, times[times.length - maxAttempts]! + windowMs - now);
}

export function createAttemptLimiter(clock: Clock, maxAttempts: number, windowMs: number): AttemptLimiter {
  const attempts = new Map<string, number[]>();
  const recent = (key: string) => {
    const cutoff = clock.now() - windowMs;
    return (attempts.get(key) ?? []).filter((t) => t > cutoff);
  };
  // Expired keys go on every window, so keys an attacker makes up do not pile up.
  const sweep = setInterval(() => {
    for (const key of attempts.keys()) if (recent(key).length === 0) attempts.delete(key);
  }, windowMs);
  sweep.unref();
  return {
    async take(key) {
      const now = clock.now();
      const times = recent(key);
      const wait = waitFor(times, maxAttempts, windowMs, now);
      if (wait > 0) return { wait, refund: noRefund };
      setNewest(attempts, key, [...times, now], MAX_KEYS);
      return {
        wait: 0,
        async refund() {
          const left = attempts.get(key) ?? [];
          const at = left.indexOf(now);
          if (at >= 0) left.splice(at, 1);
        },
      };
    },
  };
}

// KEYS[1] the key; ARGV: now, windowMs, maxAttempts, member. Returns 0 (counted) or ms to wait (not counted).
const TAKE = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', tonumber(ARGV[1]) - tonumber(ARGV[2]))
local n = redis.call('ZCARD', KEYS[1])
local max = tonumber(ARGV[3])
if n >= max then
  local oldest = redis.call('ZRANGE', KEYS[1], n - max, n - max, 'WITHSCORES')
  return math.max(1, tonumber(oldest[2]) + tonumber(ARGV[2]) - tonumber(ARGV[1]))
end
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 0`;

export function createRedisAttemptLimiter(redis: Redis, name: string, clock: Clock, maxAttempts: number, windowMs: number): AttemptLimiter {
  return {
    async take(key) {
      const redisKey = `attempts:${name}:${key}`;
      const now = clock.now();
      const member = `${now}:${randomUUID()}`;
      const wait = Number(await redis.eval(TAKE, 1, redisKey, now, windowMs, maxAttempts, member));
      return { wait, refund: wait > 0 ? noRefund : async () => void (await redis.zrem(redisKey, member)) };
    },
  };
}
