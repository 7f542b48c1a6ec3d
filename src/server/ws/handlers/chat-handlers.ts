import type { ClientMessage } from "../../../protocol/index.js";
import { type Connection, send } from "../connection.js";
import type { WsContext } from "../context.js";
import { requireIdentity, requireSession } from "./require-session.js";

type Of<T extends ClientMessage["type"]> = Extract<ClientMessage, { type: T }>;

export async function handleChatSend(ctx: WsContext, connection: Connection, msg: Of<"chat.send">) {
  const identity = requireIdentity(connection);
  const session = requireSession(connection, msg.sessionId);
  const stored = await ctx.chat.send(identity, session.id, msg.text, msg.clientMsgId);
  send(connection, { type: "chat.ack", reqId: msg.reqId, sessionId: session.id, clientMsgId: msg.clientMsgId, seq: stored.seq, at: stored.createdAt });
}

/** History is readable by the two parties, also after the session ended. */
export async function handleChatHistory(ctx: WsContext, connection: Connection, msg: Of<"chat.history">) {
  const identity = requireIdentity(connection);
  const messages = await ctx.chat.history(identity, msg.sessionId, msg.afterSeq ?? 0);
  send(connection, { type: "chat.history", reqId: msg.reqId, sessionId: msg.sessionId, messages });
}
