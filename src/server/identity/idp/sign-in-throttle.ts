import type { Clock } from "../../clock.js";

/**
 * Failed sign-ins on the built-in sign-in page, per account and per address,
 * with growing back-off: a few free failures, then each further one locks the
 * key for twice as long as the last (1 s, 2 s, 4 s, ... up to 15 minutes)
 * until a window passes without failures. One-time codes have their own,
 * tighter count per account: after three wrong codes the next try waits for
 * a new code (the next 30-second step) and grows from there.
 */
export type ThrottleKind = "account" | "address" | "otp";

interface Rule {
  free: number;
  baseMs: number;
}

const RULES: Record<ThrottleKind, Rule> = {
  account: { free: 5, baseMs: 1_000 },
  address: { free: 20, baseMs: 1_000 },
  otp: { free: 3, baseMs: 30_000 },
};
export const MAX_LOCK_MS = 15 * 60_000;
/** Failures are forgotten after this long without another. */
const FORGET_AFTER_MS = 60 * 60_000;
/** Keys kept at most (an address flood must not grow the table without end); the oldest go first. */
const MAX_KEYS = 100_000;

export interface Lock {
  kind: ThrottleKind;
  key: string;
  failures: number;
  lockedForMs: number;
}

export function createSignInThrottle(clock: Clock) {
  const entries = new Map<string, { failures: number; lockedUntil: number; lastFailure: number }>();
  const id = (kind: ThrottleKind, key: string) => `${kind}:${key}`;
  const current = (kind: ThrottleKind, key: string) => {
    const entry = entries.get(id(kind, key));
    if (entry && clock.now() - entry.lastFailure > FORGET_AFTER_MS) {
      entries.delete(id(kind, key));
      return undefined;
    }
    return entry;
  };
  return {
    /** Milliseconds until every one of these keys may try again (0: now). */
    waitFor(keys: [ThrottleKind, string][]): number {
      return Math.max(0, ...keys.map(([kind, key]) => (current(kind, key)?.lockedUntil ?? 0) - clock.now()));
    },
    /** Counts a failure; returns the lock it started, if any. */
    failed(kind: ThrottleKind, key: string): Lock | null {
      const now = clock.now();
      const entry = current(kind, key) ?? { failures: 0, lockedUntil: 0, lastFailure: now };
      entry.failures++;
      entry.lastFailure = now;
      entries.delete(id(kind, key));
      entries.set(id(kind, key), entry); // newest last, so the oldest is evicted first
      if (entries.size > MAX_KEYS) entries.delete(entries.keys().next().value!);
      const over = entry.failures - RULES[kind].free;
      if (over <= 0) return null;
      const lockedForMs = Math.min(MAX_LOCK_MS, RULES[kind].baseMs * 2 ** (over - 1));
      entry.lockedUntil = now + lockedForMs;
      return { kind, key, failures: entry.failures, lockedForMs };
    },
    succeeded(kind: ThrottleKind, key: string): void {
      entries.delete(id(kind, key));
    },
  };
}
export type SignInThrottle = ReturnType<typeof createSignInThrottle>;
