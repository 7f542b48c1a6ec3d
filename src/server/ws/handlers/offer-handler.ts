import type { ClientMessage } from "../../../protocol/index.js";
import { type Connection, send } from "../connection.js";
import type { WsContext } from "../context.js";
import { requireIdentity } from "./require-session.js";

/** Not now: the sharer's app turns down a helper's offer; the helper hears it, the code stays valid. */
export async function handleDeclineOffer(ctx: WsContext, connection: Connection, msg: Extract<ClientMessage, { type: "session.decline_offer" }>) {
  const identity = requireIdentity(connection);
  await ctx.sessions.declineOffer(identity, connection.device, msg.sessionId);
  send(connection, { type: "session.offer_status", reqId: msg.reqId, sessionId: msg.sessionId, status: "declined" });
}
