import type { ClientMessage } from "../../../protocol/index.js";
import { type Connection, send } from "../connection.js";
import type { WsContext } from "../context.js";
import { requireIdentity, requireSession } from "./require-session.js";

type Of<T extends ClientMessage["type"]> = Extract<ClientMessage, { type: T }>;

/** The sharer turns drawing, the clipboard or files off or on; the answer is the session's new state, to both. */
export async function handleToolSwitch(ctx: WsContext, connection: Connection, msg: Of<"session.tool">) {
  const identity = requireIdentity(connection);
  const session = requireSession(connection, msg.sessionId);
  await ctx.tools.setTool(identity, session.id, msg.tool, msg.on);
}

export async function handleToolUse(ctx: WsContext, connection: Connection, msg: Of<"tool.use">) {
  const identity = requireIdentity(connection);
  const session = requireSession(connection, msg.sessionId);
  await ctx.tools.use(identity, session.id, msg.useId, msg.use);
  send(connection, { type: "tool.ack", reqId: msg.reqId, sessionId: session.id, useId: msg.useId });
}

export async function handleToolAnswer(ctx: WsContext, connection: Connection, msg: Of<"tool.answer">) {
  const identity = requireIdentity(connection);
  const session = requireSession(connection, msg.sessionId);
  await ctx.tools.answer(identity, session.id, msg.useId, msg.kind, msg.outcome, msg.chars);
  send(connection, { type: "tool.ack", reqId: msg.reqId, sessionId: session.id, useId: msg.useId });
}
