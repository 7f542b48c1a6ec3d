import { createHash } from "node:crypto";
import rateLimit from "@fastify/rate-limit";
import type { FastifyInstance } from "fastify";
import { Redis } from "ioredis";

/**
 * Requests per caller per minute, on every HTTP route but health
 * checks and the hashed static assets. With several brokers the counters live
 * in Redis, so spreading requests over brokers gains nothing. A caller is its
 * console session or bearer token when it has one (a whole office behind one
 * NAT address is many callers), otherwise its address. The limiter's
 * Redis connection fails fast and the limiter then lets requests through: a
 * Redis restart must not take the console down with it.
 */
export async function registerHttpRateLimits(app: FastifyInstance, o: { perMinute: number; redisUrl?: string; redisPrefix: string }): Promise<{ close(): void }> {
  const redis = o.redisUrl ? new Redis(o.redisUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2_000, keyPrefix: `${o.redisPrefix}:` }) : null;
  redis?.on("error", () => undefined); // reconnects by itself; skipOnError covers the gap
  await app.register(rateLimit, {
    global: true,
    max: o.perMinute,
    timeWindow: 60_000,
    ...(redis ? { redis, nameSpace: "http-rate:", skipOnError: true } : {}),
    keyGenerator: (request) => {
      const credential = /(?:^|;\s*)(?:__Host-)?tandem_session=([^;]+)/.exec(request.headers.cookie ?? "")?.[1] ?? request.headers.authorization;
      return credential ? `c:${createHash("sha256").update(credential).digest("base64url").slice(0, 22)}` : `a:${request.ip}`;
    },
    allowList: (request) => request.url === "/healthz" || request.url.startsWith("/assets/"),
    errorResponseBuilder: (_request, context) => ({ statusCode: 429, code: "rate_limited", message: `too many requests; try again in ${context.after}`, retryAfterMs: context.ttl }),
  });
  return { close: () => redis?.disconnect() };
}
