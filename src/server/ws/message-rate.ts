/**
 * Token bucket per connection: a burst (ICE trickle, typing) is fine, a flood is
 * refused message by message with a retry hint, and the connection stays up.
 */
export interface RateBucket {
  /** 0 when the message may pass, else milliseconds until one token is back. */
  take(nowMs: number): number;
}

export function createRateBucket(perSecond: number, burst: number): RateBucket {
  let tokens = burst;
  let last = -Infinity;
  return {
    take(nowMs) {
      tokens = Math.min(burst, tokens + ((nowMs - last) / 1000) * perSecond);
      last = nowMs;
      if (tokens >= 1) {
        tokens -= 1;
        return 0;
      }
      return Math.ceil(((1 - tokens) / perSecond) * 1000);
    },
  };
}
