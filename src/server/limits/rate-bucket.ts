/**
 * A token bucket (per connection for messages; per session for clipboard and file uses).
 * Per connection: a burst (ICE trickle, typing) is fine; past it
 * messages are refused with a retry hint (the endpoint answers a flood once and
 * closes one that goes on). Costly messages (a history page) take more tokens.
 */
export interface RateBucket {
  /** 0 when the message may pass (taking `cost` tokens), else milliseconds until they are back. */
  take(nowMs: number, cost?: number): number;
  /** Milliseconds until `cost` tokens are there, taking nothing. */
  waitFor(nowMs: number, cost: number): number;
}

export function createRateBucket(perSecond: number, burst: number): RateBucket {
  let tokens = burst;
  let last = -Infinity;
  const refilled = (nowMs: number) => Math.min(burst, tokens + ((nowMs - last) / 1000) * perSecond);
  const wait = (available: number, cost: number) => (available >= cost ? 0 : Math.ceil(((cost - available) / perSecond) * 1000));
  return {
    take(nowMs, cost = 1) {
      tokens = refilled(nowMs);
      last = nowMs;
      const refused = wait(tokens, cost);
      if (refused === 0) tokens -= cost;
      return refused;
    },
    waitFor: (nowMs, cost) => wait(refilled(nowMs), cost),
  };
}
