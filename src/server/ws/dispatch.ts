import type { ClientMessage } from "../../protocol/index.js";
import { type Connection, send } from "./connection.js";
import type { UpgradeCredentials, WsContext } from "./context.js";
import { handleChatHistory, handleChatSend } from "./handlers/chat-handlers.js";
import { handleDeviceRegister } from "./handlers/device-handler.js";
import { handleHello } from "./handlers/hello.js";
import { requireIdentity } from "./handlers/require-session.js";
import { handleCommand, handleCreate, handleJoin, handleResume } from "./handlers/session-handlers.js";
import { handleSignal } from "./handlers/signal-handler.js";
import { handleCaptureFailed } from "./handlers/capture-handler.js";
import { handleDeclineOffer } from "./handlers/offer-handler.js";
import { handleToolAnswer, handleToolSwitch, handleToolUse } from "./handlers/tool-handlers.js";

/** What a broker short of memory refuses; what keeps running sessions going (signals, chat, consent, ending) still passes. */
const STARTS_NEW_WORK = new Set<ClientMessage["type"]>(["hello", "session.create", "session.join", "chat.history", "device.register"]);

/**
 * One handler per message type; a type nobody handles fails to compile. Handlers that finish at once (signals,
 * heartbeats) return nothing and throw their refusals; the others return their promise.
 */
export function dispatch(ctx: WsContext, connection: Connection, msg: ClientMessage, upgrade: UpgradeCredentials = {}): void | Promise<void> {
  if (STARTS_NEW_WORK.has(msg.type)) ctx.memory.refuseNewWork();
  switch (msg.type) {
    case "hello":
      return handleHello(ctx, connection, msg, upgrade);
    case "heartbeat":
      requireIdentity(connection);
      return send(connection, { type: "heartbeat", reqId: msg.reqId, at: Date.now() });
    case "session.create":
      return handleCreate(ctx, connection, msg);
    case "session.join":
      return handleJoin(ctx, connection, msg);
    case "session.resume":
      return handleResume(ctx, connection, msg);
    case "session.request":
    case "session.consent":
    case "session.downgrade":
    case "session.pause":
    case "session.end":
      return handleCommand(ctx, connection, msg);
    case "session.capture_failed":
      return handleCaptureFailed(ctx, connection, msg);
    case "session.decline_offer":
      return handleDeclineOffer(ctx, connection, msg);
    case "session.tool":
      return handleToolSwitch(ctx, connection, msg);
    case "tool.use":
      return handleToolUse(ctx, connection, msg);
    case "tool.answer":
      return handleToolAnswer(ctx, connection, msg);
    case "signal.offer":
    case "signal.answer":
    case "signal.ice":
      return handleSignal(ctx, connection, msg);
    case "chat.send":
      return handleChatSend(ctx, connection, msg);
    case "chat.history":
      return handleChatHistory(ctx, connection, msg);
    case "device.register":
      return handleDeviceRegister(ctx, connection, msg);
    default: {
      const unhandled: never = msg;
      throw new Error(`unhandled message ${JSON.stringify(unhandled)}`);
    }
  }
}
