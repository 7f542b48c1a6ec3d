import rateLimit from "@fastify/rate-limit";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { Redis } from "ioredis";
import { addressBucket } from "../limits/address-bucket.js";

/**
 * Requests per caller per minute, on every HTTP route but health checks and
 * the hashed static assets. With several brokers the counters live in Redis,
 * so spreading requests over brokers gains nothing. A caller is the person a
 * verified console session or bearer token names (a whole office behind one
 * NAT address is many callers); anything else — no credential, or one that
 * does not verify — counts against its address, so made-up tokens buy no
 * buckets. When Redis is unreachable the limiter lets requests through: a
 * Redis restart must not take the console down with it.
 */
export async function registerHttpRateLimits(
  app: FastifyInstance,
  o: { perMinute: number; redis: Redis | null; verifiedCaller(request: FastifyRequest): Promise<{ tenantId: string; userId: string } | null> },
): Promise<void> {
  await app.register(rateLimit, {
    global: true,
    max: o.perMinute,
    timeWindow: 60_000,
    ...(o.redis ? { redis: o.redis, nameSpace: "http-rate:", skipOnError: true } : {}),
    keyGenerator: async (request) => {
      const caller = await o.verifiedCaller(request).catch(() => null);
      return caller ? `u:${caller.tenantId}:${caller.userId}` : `a:${addressBucket(request.ip)}`;
    },
    allowList: (request) => request.url === "/healthz" || request.url.startsWith("/assets/"),
    errorResponseBuilder: (_request, context) => ({ statusCode: 429, code: "rate_limited", message: `too many requests; try again in ${context.after}`, retryAfterMs: context.ttl }),
  });
}
