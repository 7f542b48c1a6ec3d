import type { ChatService } from "../chat/chat-service.js";
import type { TokenVerifier } from "../identity/token-verifier.js";
import type { SessionBus } from "../sessions/session-bus.js";
import type { SessionService } from "../sessions/session-service.js";
import type { Hub } from "./hub.js";

/** What the WebSocket handlers act through. */
export interface WsContext {
  verifier: TokenVerifier;
  sessions: SessionService;
  chat: ChatService;
  bus: SessionBus;
  hub: Hub;
  heartbeatIntervalMs: number;
  heartbeatTimeoutMs: number;
}
