import type { ChatService } from "../chat/chat-service.js";
import type { DeviceService } from "../devices/device-service.js";
import type { SessionPolicy } from "../policy/session-policy.js";
import type { Identity } from "../identity/identity.js";
import type { TokenVerifier } from "../identity/token-verifier.js";
import type { SessionBus } from "../sessions/session-bus.js";
import type { SessionService } from "../sessions/session-service.js";
import type { SessionTools } from "../sessions/session-tools.js";
import type { MemoryGuard } from "../memory-guard.js";
import type { Hub } from "./hub.js";

/** What the WebSocket handlers act through. */
export interface WsContext {
  verifier: TokenVerifier;
  sessions: SessionService;
  tools: SessionTools;
  devices: DeviceService;
  policy: SessionPolicy;
  chat: ChatService;
  bus: SessionBus;
  hub: Hub;
  memory: MemoryGuard;
  heartbeatIntervalMs: number;
  heartbeatTimeoutMs: number;
  /** The console's signed-in user, from the session cookie of the upgrade request (same origin only). */
  cookieIdentity?: (upgrade: UpgradeCredentials) => Promise<Identity | null>;
}

/** What the upgrade request carried that can authenticate the connection. */
export interface UpgradeCredentials {
  bearerToken?: string;
  cookie?: string;
  origin?: string;
}
