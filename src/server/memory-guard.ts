import { ProtocolError } from "./protocol-error.js";

/**
 * A broker-wide brake: above its memory limit the broker refuses new work
 * (connections, sign-ins, sessions, history pages) with a typed `unavailable`,
 * while sessions already running go on, instead of growing until the
 * operating system kills it and every session with it.
 */
export interface MemoryGuard {
  readonly overLimit: boolean;
  /** Throws `unavailable` while over the limit. */
  refuseNewWork(): void;
  stop(): void;
}

export function startMemoryGuard(limitBytes: number, sample: () => number = () => process.memoryUsage.rss(), everyMs = 250): MemoryGuard {
  let over = sample() > limitBytes;
  const timer = setInterval(() => (over = sample() > limitBytes), everyMs);
  timer.unref();
  return {
    get overLimit() {
      return over;
    },
    refuseNewWork() {
      if (over) throw new ProtocolError("unavailable", "the broker is short of memory right now; nothing was done, try again in a moment");
    },
    stop: () => clearInterval(timer),
  };
}
