import type { ClientMessage } from "../../../protocol/index.js";
import type { PartyCommand } from "../../sessions/session-service.js";
import { type Connection, send } from "../connection.js";
import type { WsContext } from "../context.js";
import { requireIdentity, requireNoSession, requireSession } from "./require-session.js";

type Of<T extends ClientMessage["type"]> = Extract<ClientMessage, { type: T }>;

export async function handleCreate(ctx: WsContext, connection: Connection, msg: Of<"session.create">) {
  const identity = requireIdentity(connection);
  requireNoSession(connection);
  await ctx.sessions.create(identity, connection.address, msg.deviceId, (created) => {
    ctx.hub.attach(connection, created.session, "helper");
    send(connection, { type: "session.created", reqId: msg.reqId, ...created });
  });
}

export async function handleJoin(ctx: WsContext, connection: Connection, msg: Of<"session.join">) {
  const identity = requireIdentity(connection);
  requireNoSession(connection);
  const attached = await ctx.sessions.join(identity, connection.address, msg.code, connection.device);
  ctx.hub.attach(connection, attached.session, "sharer");
  send(connection, { type: "session.joined", reqId: msg.reqId, ...attached });
}

export async function handleResume(ctx: WsContext, connection: Connection, msg: Of<"session.resume">) {
  const identity = requireIdentity(connection);
  requireNoSession(connection);
  const attached = await ctx.sessions.resume(identity, msg.sessionId, msg.resumeToken);
  const replaced = ctx.hub.attach(connection, attached.session, attached.role);
  // A half-open old connection must not later end the session it no longer holds.
  if (replaced) {
    replaced.session = null;
    replaced.socket.close(4409, "resumed on another connection");
  }
  send(connection, { type: "session.joined", reqId: msg.reqId, ...attached });
}

type CommandMessage = Of<"session.request" | "session.consent" | "session.downgrade" | "session.pause" | "session.end">;

export async function handleCommand(ctx: WsContext, connection: Connection, msg: CommandMessage) {
  const identity = requireIdentity(connection);
  const session = requireSession(connection, msg.sessionId);
  await ctx.sessions.command(identity, session.id, session.role, toCommand(msg), connection.address);
}

function toCommand(msg: CommandMessage): PartyCommand {
  switch (msg.type) {
    case "session.request":
      return { type: "request", level: msg.level };
    case "session.consent":
      return { type: "consent", allow: msg.allow };
    case "session.downgrade":
      return { type: "downgrade" };
    case "session.pause":
      return { type: "pause", paused: msg.paused };
    case "session.end":
      return { type: "end" };
  }
}
