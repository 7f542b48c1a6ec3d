import { addressBucket } from "../limits/address-bucket.js";
import { sendError } from "./typed-errors.js";
import { tooManyStartsText } from "../identity/idp/mount.js";
import type { AttemptLimiter } from "../limits/attempt-limiter.js";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { type ConsoleAuth, SignInError } from "../auth/console-auth.js";
import { csrfMatches, type WebSession } from "../auth/web-sessions.js";

/** /auth/*: sign in, the callback, who am I, sign out. */
export function registerAuthRoutes(app: FastifyInstance, auth: ConsoleAuth, signInStarts: AttemptLimiter) {
  app.get("/auth/login", async (request, reply) => {
    const { returnTo } = z.object({ returnTo: z.string().max(2048).default("/") }).parse(request.query);
    // Each start leaves a pending row until it expires: capped per address (network).
    const started = await signInStarts.take(`console:${addressBucket(request.ip)}`);
    if (started.wait > 0) return reply.code(429).header("retry-after", String(Math.ceil(started.wait / 1000))).type("text/plain; charset=utf-8").send(tooManyStartsText(started.wait));
    return reply.redirect(await auth.startSignIn(returnTo), 302);
  });

  app.get("/auth/callback", async (request, reply) => {
    const query = z.object({ code: z.string().max(4096).optional(), state: z.string().max(512).optional(), error: z.string().max(256).optional(), error_description: z.string().max(2048).optional() }).safeParse(request.query);
    if (!query.success || !query.data.code || !query.data.state) {
      const why = query.success ? (query.data.error_description ?? query.data.error ?? "no code returned") : "malformed callback";
      return sendError(reply, 401, "unauthenticated", `sign-in did not complete: ${why}`);
    }
    try {
      const { session, returnTo } = await auth.finishSignIn(query.data.code, query.data.state);
      return reply.header("set-cookie", auth.sessionCookie(session)).header("cache-control", "no-store").redirect(returnTo, 303);
    } catch (error) {
      if (error instanceof SignInError) return sendError(reply, 401, "unauthenticated", error.message);
      throw error;
    }
  });

  app.get("/auth/me", async (request, reply) => {
    const session = await auth.current(request.headers.cookie);
    if (!session) return sendError(reply, 401, "unauthenticated", "not signed in");
    const { profile, tenantId, groups, amr } = session.identity;
    return reply.header("cache-control", "no-store").send({ user: profile, tenantId, groups, amr, csrfToken: session.csrfToken, expiresAt: session.expiresAt });
  });

  app.post("/auth/logout", async (request, reply) => {
    const session = await requireConsoleSession(auth, request, reply, true);
    if (!session) return reply;
    const endSessionUrl = await auth.signOut(session);
    return reply.header("set-cookie", auth.clearedCookie()).send({ endSessionUrl });
  });
}

/**
 * The console session behind the request's cookie, or a typed 401/403 already
 * sent. A state-changing request must also bring the session's CSRF token
 * (from /auth/me) back in X-CSRF-Token.
 */
export async function requireConsoleSession(auth: ConsoleAuth, request: FastifyRequest, reply: FastifyReply, changesState: boolean): Promise<WebSession | undefined> {
  const session = await auth.current(request.headers.cookie);
  if (!session) {
    sendError(reply, 401, "unauthenticated", "sign in, or send a bearer token");
    return undefined;
  }
  const presented = request.headers["x-csrf-token"];
  if (changesState && !csrfMatches(session, typeof presented === "string" ? presented : undefined)) {
    sendError(reply, 403, "forbidden", "missing or wrong X-CSRF-Token");
    return undefined;
  }
  return session;
}
