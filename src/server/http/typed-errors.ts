import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { ZodError } from "zod";
import type { ErrorCode } from "../../protocol/index.js";
import { isStoreUnreachable } from "../store/engine.js";

/** Every HTTP failure as `{type:"error", code, message}`: malformed bodies are the client's, the rest ours (logged). */
export function typedHttpErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const status = error.statusCode ?? (error instanceof ZodError ? 400 : 500);
  if (status >= 500 && isStoreUnreachable(error)) {
    request.log.warn({ err: error }, "database unreachable");
    return reply.status(503).header("retry-after", "5").send({ type: "error", code: "unavailable", message: "Tandem cannot reach its database right now; nothing was changed, try again in a moment" });
  }
  if (status >= 500) {
    request.log.error({ err: error }, "request failed");
    return reply.status(500).send({ type: "error", code: "internal", message: "the broker could not handle this request" });
  }
  if (status === 429) {
    const retryAfterMs = (error as { retryAfterMs?: number }).retryAfterMs;
    return reply.status(429).send({ type: "error", code: "rate_limited", message: error.message, ...(retryAfterMs ? { retryAfterMs } : {}) });
  }
  const code = status === 413 ? "too_large" : status === 404 ? "not_found" : "bad_message";
  const message = error instanceof ZodError ? (error.issues[0]?.message ?? "invalid request") : error.message;
  return reply.status(status).send({ type: "error", code, message });
}

/** A refusal the client can read: `{type:"error", code, message}`, never cached. */
export function sendError(reply: FastifyReply, status: number, code: ErrorCode, message: string) {
  return reply.status(status).header("cache-control", "no-store").send({ type: "error", code, message });
}
