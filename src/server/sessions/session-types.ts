import type { ChatMessage, DeviceView, IceConfig, Party, PartyRole, SessionView, TargetDevice } from "../../protocol/index.js";
import type { RefusalAudit } from "../audit/refusal-summaries.js";
import type { Clock } from "../clock.js";
import type { DeviceService } from "../devices/device-service.js";
import type { AttemptLimiter } from "../limits/attempt-limiter.js";
import type { SessionPolicy } from "../policy/session-policy.js";
import type { Store } from "../store/store.js";
import type { CodeSecrets } from "./code-secrets.js";
import type { ControlGrants } from "./control-grants.js";
import type { OfferLimits } from "./device-offers.js";
import type { TurnSettings } from "./ice-config.js";
import type { SessionBus } from "./session-bus.js";

/** What the session service needs, and what it answers a helper who creates and a party who joins or resumes. */
export interface SessionServiceOptions {
  store: Store;
  clock: Clock;
  bus: SessionBus;
  secrets: CodeSecrets;
  codeLimits: { perUser: AttemptLimiter; perAddress: AttemptLimiter };
  /** Tenant settings, RBAC, the device rule and conditional access. */
  policy: SessionPolicy;
  devices: DeviceService;
  turn: TurnSettings;
  publicOrigin: string;
  /** Where rejected codes are audited: repeats from one source summarised (the store itself when absent). */
  refusals?: RefusalAudit;
  /** Offers to the apps of the device a session is made for: counted per helper and per device. */
  offerLimits: OfferLimits;
  /** Signs the offer of control the desktop app checks before its own consent prompt. */
  grants?: ControlGrants;
}

export interface Created {
  session: SessionView;
  code: string;
  link: string;
  expiresAt: number;
  resumeToken: string;
  ice: IceConfig;
  targetDevice: TargetDevice | null;
}

export interface Attached {
  role: PartyRole;
  session: SessionView;
  peer: Party | null;
  resumeToken: string;
  ice: IceConfig;
  chat: ChatMessage[];
  peerDevice: DeviceView | null;
  targetDevice: TargetDevice | null;
  otherDevice: boolean;
}
