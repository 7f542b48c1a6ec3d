import { PROTOCOL_VERSION, type ClientMessage } from "../../../protocol/index.js";
import { AuthError } from "../../identity/identity.js";
import { ProtocolError } from "../../protocol-error.js";
import { type Connection, send } from "../connection.js";
import type { UpgradeCredentials, WsContext } from "../context.js";

export const CLOSE_VERSION_MISMATCH = 4400;
export const CLOSE_UNAUTHENTICATED = 4401;

type Hello = Extract<ClientMessage, { type: "hello" }>;

/**
 * Version first, then who: a bearer token (in the hello, or the upgrade's
 * Authorization header; the desktop app's way) or the console's session cookie.
 */
export async function handleHello(ctx: WsContext, connection: Connection, msg: Hello, upgrade: UpgradeCredentials) {
  if (connection.identity) throw new ProtocolError("invalid_transition", "already authenticated");
  if (msg.protocol !== PROTOCOL_VERSION) {
    refuseAndClose(connection, msg.reqId, "version_mismatch", `this broker speaks protocol ${PROTOCOL_VERSION}; the client sent ${msg.protocol}`, CLOSE_VERSION_MISMATCH);
    return;
  }
  const token = msg.token ?? upgrade.bearerToken;
  try {
    const fromCookie = !token && ctx.cookieIdentity ? await ctx.cookieIdentity(upgrade) : null;
    if (!token && !fromCookie) {
      refuseAndClose(connection, msg.reqId, "unauthenticated", "no bearer token and no console session", CLOSE_UNAUTHENTICATED);
      return;
    }
    connection.identity = fromCookie ?? (await ctx.verifier.verify(token!));
  } catch (error) {
    if (!(error instanceof AuthError)) throw error;
    refuseAndClose(connection, msg.reqId, "unauthenticated", error.message, CLOSE_UNAUTHENTICATED);
    return;
  }
  send(connection, {
    type: "welcome",
    reqId: msg.reqId,
    protocol: PROTOCOL_VERSION,
    user: connection.identity.profile,
    heartbeatIntervalMs: ctx.heartbeatIntervalMs,
    heartbeatTimeoutMs: ctx.heartbeatTimeoutMs,
  });
}

function refuseAndClose(connection: Connection, reqId: string | undefined, code: "version_mismatch" | "unauthenticated", message: string, closeCode: number) {
  send(connection, { type: "error", reqId, code, message });
  connection.socket.close(closeCode, code);
}
