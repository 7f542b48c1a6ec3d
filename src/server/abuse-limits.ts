import type { FastifyRequest } from "fastify";
import { Redis } from "ioredis";
import type { Clock } from "./clock.js";
import type { BrokerConfig } from "./config.js";
import { createRedisSignInThrottle, createSignInThrottle, type SignInThrottle } from "./identity/idp/sign-in-throttle.js";
import type { Identity } from "./identity/identity.js";
import type { TokenVerifier } from "./identity/token-verifier.js";
import { type AttemptLimiter, createAttemptLimiter, createRedisAttemptLimiter } from "./limits/attempt-limiter.js";

/** How long a started sign-in waits for its end (the console's pending row and the IdP's interaction live as long). */
export const SIGN_IN_START_WINDOW_MS = 10 * 60_000;

/**
 * The counters that stand between a hostile client and the broker's work:
 * failed sign-ins, sign-ins started (each leaves a pending row), and the
 * HTTP limiter's caller. With several brokers they live in Redis (its own
 * connection, which fails fast), so spreading attempts over brokers gains
 * nothing.
 */
export interface AbuseLimits {
  redis: Redis | null;
  signInThrottle: SignInThrottle;
  signInStarts: AttemptLimiter;
  close(): void;
}

export function createAbuseLimits(config: BrokerConfig, clock: Clock): AbuseLimits {
  const redis = config.redisUrl ? new Redis(config.redisUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2_000, keyPrefix: `${config.redisPrefix}:` }) : null;
  redis?.on("error", () => undefined); // reconnects by itself; callers see the failed command
  return {
    redis,
    signInThrottle: redis ? createRedisSignInThrottle(redis, clock) : createSignInThrottle(clock),
    signInStarts: redis
      ? createRedisAttemptLimiter(redis, "sign-in-starts", clock, config.signInStartsPerAddress, SIGN_IN_START_WINDOW_MS)
      : createAttemptLimiter(clock, config.signInStartsPerAddress, SIGN_IN_START_WINDOW_MS),
    close: () => redis?.disconnect(),
  };
}

/** The person a request's bearer token or console cookie verifiably names, or null (made-up credentials name nobody). */
export function verifiedCallerOf(verifier: TokenVerifier, peekCookie: ((cookie: string | undefined) => Promise<Identity | undefined>) | null) {
  return async (request: FastifyRequest): Promise<Identity | null> => {
    const header = request.headers.authorization;
    if (header?.startsWith("Bearer ")) return verifier.verify(header.slice(7)).catch(() => null);
    return request.headers.cookie && peekCookie ? ((await peekCookie(request.headers.cookie)) ?? null) : null;
  };
}
