import type { Redis } from "ioredis";
import type { Clock } from "../../clock.js";
import { setNewest } from "../../newest-entries.js";

/**
 * Failed sign-ins on the built-in sign-in page, per account and per address,
 * with growing back-off: a few free failures, then each further one locks the
 * key for twice as long as the last (1 s, 2 s, 4 s, ... up to 15 minutes)
 * until an hour passes without failures. One-time codes have their own,
 * tighter count per account: after three wrong codes the next try waits for
 * a new code (the next 30-second step) and grows from there.
 *
 * An attempt is counted as a failure before the password is checked, in one
 * atomic step, so twenty guesses sent at once cannot all pass a check made
 * before any of them failed; a success then clears the account and gives the
 * address its attempt back. In process for one broker; in Redis (one Lua
 * script) when several brokers share the sign-in page.
 */
export type ThrottleKind = "account" | "address" | "otp";

interface Rule {
  free: number;
  baseMs: number;
}

export const THROTTLE_RULES: Record<ThrottleKind, Rule> = {
  account: { free: 5, baseMs: 1_000 },
  address: { free: 20, baseMs: 1_000 },
  otp: { free: 3, baseMs: 30_000 },
};
export const MAX_LOCK_MS = 15 * 60_000;
/** Failures are forgotten after this long without another. */
export const FORGET_AFTER_MS = 60 * 60_000;
/** Keys kept at most in process (an address flood must not grow the table without end); the oldest go first. */
const MAX_KEYS = 100_000;

export interface Lock {
  kind: ThrottleKind;
  key: string;
  failures: number;
  lockedForMs: number;
}

export interface Attempt {
  /** > 0: refused (nothing counted), milliseconds until every key may try again. */
  wait: number;
  /** The outcome: a failure returns the locks this attempt started (to audit); a success clears accounts and refunds addresses. */
  settle(failed: boolean): Promise<Lock[]>;
}

export interface SignInThrottle {
  attempt(keys: [ThrottleKind, string][]): Promise<Attempt>;
}

const lockFor = (kind: ThrottleKind, failures: number) => {
  const over = failures - THROTTLE_RULES[kind].free;
  return over <= 0 ? 0 : Math.min(MAX_LOCK_MS, THROTTLE_RULES[kind].baseMs * 2 ** (over - 1));
};

/** What one attempt did to a key, so its success can undo it. */
interface Counted {
  kind: ThrottleKind;
  key: string;
  failures: number;
  lockedForMs: number;
  previousLockedUntil: number;
  lockedUntil: number;
}

function settler(counted: Counted[], undo: (success: Counted) => Promise<void>) {
  return async (failed: boolean): Promise<Lock[]> => {
    if (failed) return counted.filter((c) => c.lockedForMs > 0).map(({ kind, key, failures, lockedForMs }) => ({ kind, key, failures, lockedForMs }));
    for (const c of counted) await undo(c);
    return [];
  };
}

export function createSignInThrottle(clock: Clock): SignInThrottle {
  const entries = new Map<string, { failures: number; lockedUntil: number; lastFailure: number }>();
  const id = (kind: ThrottleKind, key: string) => `${kind}:${key}`;
  const current = (kind: ThrottleKind, key: string, now: number) => {
    const entry = entries.get(id(kind, key));
    return entry && now - entry.lastFailure <= FORGET_AFTER_MS ? entry : undefined;
  };
  const undo = async (c: Counted) => {
    const entry = entries.get(id(c.kind, c.key));
    if (!entry) return;
    // Proving the account's password (or code) clears it; an address only gets this attempt back.
    if (c.kind !== "address") return void entries.delete(id(c.kind, c.key));
    entry.failures = Math.max(0, entry.failures - 1);
    if (entry.lockedUntil === c.lockedUntil) entry.lockedUntil = c.previousLockedUntil;
  };
  return {
    async attempt(keys) {
      const now = clock.now();
      const wait = Math.max(0, ...keys.map(([kind, key]) => (current(kind, key, now)?.lockedUntil ?? 0) - now));
      if (wait > 0) return { wait, settle: async () => [] };
      const counted = keys.map(([kind, key]): Counted => {
        const entry = current(kind, key, now) ?? { failures: 0, lockedUntil: 0, lastFailure: now };
        const previousLockedUntil = entry.lockedUntil;
        entry.failures++;
        entry.lastFailure = now;
        const lockedForMs = lockFor(kind, entry.failures);
        if (lockedForMs > 0) entry.lockedUntil = now + lockedForMs;
        setNewest(entries, id(kind, key), entry, MAX_KEYS);
        return { kind, key, failures: entry.failures, lockedForMs, previousLockedUntil, lockedUntil: entry.lockedUntil };
      });
      return { wait: 0, settle: settler(counted, undo) };
    },
  };
}

// KEYS: one hash per key. ARGV: now, forgetMs, then per key: free, baseMs, maxLockMs.
// Returns {wait} when refused (nothing counted), else {0, failures, lockedFor, previousLockedUntil, lockedUntil, ...} per key.
const ATTEMPT = `
local now = tonumber(ARGV[1])
local forget = tonumber(ARGV[2])
local wait = 0
for i, key in ipairs(KEYS) do
  local last = tonumber(redis.call('HGET', key, 'last') or '0')
  local locked = tonumber(redis.call('HGET', key, 'until') or '0')
  if now - last <= forget and locked - now > wait then wait = locked - now end
end
if wait > 0 then return {wait} end
local out = {0}
for i, key in ipairs(KEYS) do
  local free = tonumber(ARGV[3 * i])
  local base = tonumber(ARGV[3 * i + 1])
  local maxLock = tonumber(ARGV[3 * i + 2])
  local last = tonumber(redis.call('HGET', key, 'last') or '0')
  local failures = 0
  local previous = 0
  if now - last <= forget then
    failures = tonumber(redis.call('HGET', key, 'failures') or '0')
    previous = tonumber(redis.call('HGET', key, 'until') or '0')
  end
  failures = failures + 1
  local lockedFor = 0
  local lockedUntil = previous
  if failures > free then
    lockedFor = math.min(maxLock, base * 2 ^ (failures - free - 1))
    lockedUntil = now + lockedFor
  end
  redis.call('HSET', key, 'failures', failures, 'last', now, 'until', lockedUntil)
  redis.call('PEXPIRE', key, forget)
  table.insert(out, failures)
  table.insert(out, lockedFor)
  table.insert(out, previous)
  table.insert(out, lockedUntil)
end
return out`;

// KEYS[1] an address hash. ARGV: the lock this attempt set, the lock before it. Gives one attempt back.
const REFUND = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HINCRBY', KEYS[1], 'failures', -1)
if redis.call('HGET', KEYS[1], 'until') == ARGV[1] then redis.call('HSET', KEYS[1], 'until', ARGV[2]) end
return 1`;

export function createRedisSignInThrottle(redis: Redis, clock: Clock): SignInThrottle {
  const redisKey = (kind: ThrottleKind, key: string) => `sign-in:${kind}:${key}`;
  const undo = async (c: Counted) => {
    if (c.kind !== "address") await redis.del(redisKey(c.kind, c.key));
    else await redis.eval(REFUND, 1, redisKey(c.kind, c.key), String(c.lockedUntil), String(c.previousLockedUntil));
  };
  return {
    async attempt(keys) {
      const args = keys.flatMap(([kind]) => [THROTTLE_RULES[kind].free, THROTTLE_RULES[kind].baseMs, MAX_LOCK_MS]);
      const result = (await redis.eval(ATTEMPT, keys.length, ...keys.map(([kind, key]) => redisKey(kind, key)), clock.now(), FORGET_AFTER_MS, ...args)) as number[];
      if (result[0]! > 0) return { wait: Number(result[0]), settle: async () => [] };
      const counted = keys.map(([kind, key], i): Counted => {
        const [failures, lockedForMs, previousLockedUntil, lockedUntil] = result.slice(1 + 4 * i, 5 + 4 * i).map(Number) as [number, number, number, number];
        return { kind, key, failures, lockedForMs, previousLockedUntil, lockedUntil };
      });
      return { wait: 0, settle: settler(counted, undo) };
    },
  };
}
