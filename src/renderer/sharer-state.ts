import type { DisplayChoice, Party, SessionView } from "../protocol/index.js";
import type { ConnectionStatus } from "../web-client/broker-connection.js";
import type { LinkState } from "../web-client/peer-link.js";
import type { ChatState, ShownError } from "../web-client/session-common.js";

/** What the sharer's page shows, phase by phase (sharer-session.ts keeps it). */
export type SharerPhase = "code" | "joining" | "connected" | "asked" | "sharing" | "ended";

export interface SharerState extends ChatState {
  phase: SharerPhase;
  connection: ConnectionStatus;
  view: SessionView | null;
  helper: Party | null;
  error: ShownError | null;
  linkState: LinkState | null;
  verificationCode: string | null;
  helperAway: boolean;
  /** How long the broker waits for the helper to come back (told with their absence), for the words of that ending. */
  helperGraceMs: number | null;
  /** The desktop app's screens (one or none on the web), and one the helper asked to see. */
  displays: DisplayChoice[];
  displayAsked: DisplayChoice | null;
  /** Back in a running session after a reload: the screen must be picked again (a browser needs the sharer's click). */
  screenLost: boolean;
  /** A helper's offer to this device's app (desktop only): who, and the code Join uses. */
  offer: { sessionId: string; code: string; helper: Party; expiresAt: number } | null;
}

export const initial: SharerState = { phase: "code", connection: "connecting", view: null, helper: null, error: null, linkState: null, verificationCode: null, helperAway: false, helperGraceMs: null, displays: [], displayAsked: null, screenLost: false, offer: null, chat: [], unread: 0 };
