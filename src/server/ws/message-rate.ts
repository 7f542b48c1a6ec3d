/**
 * Token bucket per connection: a burst (ICE trickle, typing) is fine, a flood is
 * refused message by message with a retry hint, and the connection stays up.
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
  return {
    take(nowMs, cost = 1) {
      tokens = Math.min(burst, tokens + ((nowMs - last) / 1000) * perSecond);
      last = nowMs;
      if (tokens >= cost) {
        tokens -= cost;
        return 0;
      }
      return Math.ceil(((cost - tokens) / perSecond) * 1000);
    },
    waitFor(nowMs, cost) {
      const then = Math.min(burst, tokens + ((nowMs - last) / 1000) * perSecond);
      return then >= cost ? 0 : Math.ceil(((cost - then) / perSecond) * 1000);
    },
  };
}
