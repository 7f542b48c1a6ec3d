import type { ClientMessage } from "../../../protocol/index.js";
import { ProtocolError } from "../../protocol-error.js";
import type { Connection } from "../connection.js";
import type { WsContext } from "../context.js";
import { requireIdentity, requireSession } from "./require-session.js";

/**
 * The sharer's screen could not be captured: the helper hears why at once,
 * instead of waiting on a request nobody can answer. Only the sharer of the
 * session, only while a level is asked or granted; the request stays open.
 */
export function handleCaptureFailed(ctx: WsContext, connection: Connection, msg: Extract<ClientMessage, { type: "session.capture_failed" }>) {
  requireIdentity(connection);
  const session = requireSession(connection, msg.sessionId);
  if (session.role !== "sharer") throw new ProtocolError("forbidden", "only the sharer says their screen could not be shared");
  const view = ctx.hub.view(session.id);
  if (!view || (view.status !== "requested" && view.status !== "active")) {
    throw new ProtocolError("invalid_transition", `nothing is being shared in a session that is ${view?.status ?? "gone"}`);
  }
  ctx.bus.publish({ sessionId: session.id, to: "helper", message: { type: "session.capture_failed", sessionId: session.id, reason: msg.reason } });
}
