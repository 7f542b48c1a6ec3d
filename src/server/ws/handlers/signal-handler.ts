import { canRelaySignal, type ClientMessage } from "../../../protocol/index.js";
import { ProtocolError } from "../../protocol-error.js";
import type { Connection } from "../connection.js";
import type { WsContext } from "../context.js";
import { requireIdentity, requireSession } from "./require-session.js";

type Signal = Extract<ClientMessage, { type: "signal.offer" | "signal.answer" | "signal.ice" }>;

/**
 * Relays SDP and ICE to the other party of the sender's own session, only while
 * the sharer is asked or has consented. The sender is stamped by the broker.
 */
export function handleSignal(ctx: WsContext, connection: Connection, msg: Signal) {
  requireIdentity(connection);
  const session = requireSession(connection, msg.sessionId);
  const view = ctx.hub.view(session.id);
  if (!view || !canRelaySignal(view)) {
    throw new ProtocolError("invalid_transition", `signaling opens once a level is requested; the session is ${view?.status ?? "gone"}`);
  }
  const to = session.role === "helper" ? "sharer" : "helper";
  const from = session.role;
  const message =
    msg.type === "signal.ice"
      ? { type: msg.type, sessionId: session.id, from, candidate: msg.candidate }
      : { type: msg.type, sessionId: session.id, from, sdp: msg.sdp };
  ctx.bus.publish({ sessionId: session.id, to, message });
}
