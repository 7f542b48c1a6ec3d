import { type ClientMessage, type ErrorCode, PROTOCOL_VERSION } from "../../../protocol/index.js";
import { AuthError } from "../../identity/identity.js";
import { ProtocolError } from "../../protocol-error.js";
import { type Connection, send } from "../connection.js";
import type { UpgradeCredentials, WsContext } from "../context.js";

export const CLOSE_VERSION_MISMATCH = 4400;
export const CLOSE_UNAUTHENTICATED = 4401;
export const CLOSE_POLICY_BLOCKED = 4403;

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
    const identity = fromCookie ?? (await ctx.verifier.verify(token!));
    await ctx.policy.signIn(identity, connection.address);
    connection.device = msg.device ? await ctx.devices.prove(identity, connection.nonce, msg.device) : null;
    connection.identity = identity;
  } catch (error) {
    if (error instanceof AuthError) {
      refuseAndClose(connection, msg.reqId, "unauthenticated", error.message, CLOSE_UNAUTHENTICATED);
      return;
    }
    if (error instanceof ProtocolError) {
      refuseAndClose(connection, msg.reqId, error.code, error.message, error.code === "policy_blocked" ? CLOSE_POLICY_BLOCKED : CLOSE_UNAUTHENTICATED);
      return;
    }
    throw error;
  }
  ctx.hub.deviceOnline(connection);
  send(connection, {
    type: "welcome",
    reqId: msg.reqId,
    protocol: PROTOCOL_VERSION,
    user: connection.identity.profile,
    heartbeatIntervalMs: ctx.heartbeatIntervalMs,
    heartbeatTimeoutMs: ctx.heartbeatTimeoutMs,
    device: connection.device ? { deviceId: connection.device.id, enrolled: connection.device.enrolled } : null,
  });
}

function refuseAndClose(connection: Connection, reqId: string | undefined, code: ErrorCode, message: string, closeCode: number) {
  send(connection, { type: "error", reqId, code, message });
  connection.socket.close(closeCode, code);
}
