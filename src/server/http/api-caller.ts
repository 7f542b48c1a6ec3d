import type { FastifyReply, FastifyRequest } from "fastify";
import type { Permission } from "../../protocol/index.js";
import { requireConsoleSession } from "./auth-routes.js";
import { sendError } from "./typed-errors.js";
import type { ConsoleAuth } from "../auth/console-auth.js";
import { AuthError, type Identity } from "../identity/identity.js";
import type { TokenVerifier } from "../identity/token-verifier.js";
import type { SessionPolicy } from "../policy/session-policy.js";
import { ProtocolError } from "../protocol-error.js";

/**
 * Who is calling the HTTP API, and may they: a bearer token (automation, the
 * desktop app) or the console's session cookie, which on a state-changing
 * request must come with its CSRF token. The tenant is always the caller's
 * own; no URL can name another.
 */
export interface ApiCaller {
  identity: Identity;
  permissions: Set<Permission>;
}

/** Resolves the caller, or sends the typed 401/403 and resolves undefined. `needs: null` = any signed-in person. */
export type ApiGuard = (request: FastifyRequest, reply: FastifyReply, needs: Permission | null) => Promise<ApiCaller | undefined>;

export function createApiGuard(o: { verifier: TokenVerifier; consoleAuth: ConsoleAuth | null; policy: SessionPolicy }): ApiGuard {
  async function identify(request: FastifyRequest, reply: FastifyReply): Promise<Identity | undefined> {
    const header = request.headers.authorization;
    if (header?.startsWith("Bearer ")) {
      try {
        return await o.verifier.verify(header.slice(7));
      } catch (error) {
        if (error instanceof AuthError) sendError(reply, 401, "unauthenticated", error.message);
        else throw error;
        return undefined;
      }
    }
    if (!o.consoleAuth) {
      sendError(reply, 401, "unauthenticated", "send a bearer token");
      return undefined;
    }
    const changesState = request.method !== "GET" && request.method !== "HEAD";
    return (await requireConsoleSession(o.consoleAuth, request, reply, changesState))?.identity;
  }

  return async (request, reply, needs) => {
    const identity = await identify(request, reply);
    if (!identity) return undefined;
    try {
      await o.policy.signIn(identity, request.ip); // conditional access applies to API callers as to connections
    } catch (error) {
      if (!(error instanceof ProtocolError)) throw error;
      sendError(reply, 403, error.code, error.message);
      return undefined;
    }
    // Tenant-wide rights come only from unscoped assignments: a role scoped to some sharers administers nothing.
    const permissions = await o.policy.permissions(identity, { groups: [], device: null });
    if (needs && !permissions.has(needs)) {
      sendError(reply, 403, "forbidden", `this needs the ${needs} permission`);
      return undefined;
    }
    return { identity, permissions };
  };
}
