import type { ClientMessage } from "../../../protocol/index.js";
import { type Connection, send } from "../connection.js";
import type { WsContext } from "../context.js";
import { ProtocolError } from "../../protocol-error.js";
import { requireIdentity, requireSession } from "./require-session.js";

type Of<T extends ClientMessage["type"]> = Extract<ClientMessage, { type: T }>;

export async function handleChatSend(ctx: WsContext, connection: Connection, msg: Of<"chat.send">) {
  const identity = requireIdentity(connection);
  const session = requireSession(connection, msg.sessionId);
  const stored = await ctx.chat.send(identity, session.id, msg.text, msg.clientMsgId);
  send(connection, { type: "chat.ack", reqId: msg.reqId, sessionId: session.id, clientMsgId: msg.clientMsgId, seq: stored.seq, at: stored.createdAt });
}

/** A page of history is ~1,000 times the bytes of a heartbeat: it costs more of the connection's message rate. */
export const HISTORY_PAGE_COST = 10;

/** History is readable by the two parties, also after the session ended. */
export async function handleChatHistory(ctx: WsContext, connection: Connection, msg: Of<"chat.history">) {
  const identity = requireIdentity(connection);
  const now = performance.now();
  // The message itself took one token on arrival; a retry takes that one again, so the wait is for the whole cost.
  if (connection.rate.take(now, HISTORY_PAGE_COST - 1) > 0) {
    throw new ProtocolError("rate_limited", "too many history pages; read the ones sent first", connection.rate.waitFor(now, HISTORY_PAGE_COST));
  }
  const page = await ctx.chat.history(identity, msg.sessionId, msg.afterSeq ?? 0);
  send(connection, { type: "chat.history", reqId: msg.reqId, sessionId: msg.sessionId, ...page });
}
