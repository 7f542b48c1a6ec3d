import type { Level, SessionStatus } from "./session-machine.js";

/**
 * The one rule for "may the helper's input reach the sharer's machine now",
 * used by the console (whether to capture input), the sharer page, the
 * desktop app's main process (its relay) and the input agent. Pure, so every
 * case is a table row in a test.
 *
 * `consent` is the sharer's own click in the desktop app's local prompt for
 * this session and level, verified against the broker's signed grant; where
 * nothing is injected on this machine (a browser page) it is "not_required".
 */
export interface ControlState {
  sessionId: string;
  /** Absent where only a grant is known (the agent): then the grant's level speaks for the session. */
  status?: SessionStatus;
  level: Level | null;
  paused: boolean;
}

export interface LocalConsent {
  sessionId: string;
  level: Level;
}

export type InjectRefusal = "no_grant" | "other_session" | "view_only" | "paused" | "no_consent";

export function mayInjectNow(state: ControlState | null, sessionId: string, consent: LocalConsent | null | "not_required"): InjectRefusal | null {
  if (!state) return "no_grant";
  if (state.sessionId !== sessionId) return "other_session";
  if (state.status !== undefined && state.status !== "active") return "no_grant";
  if (state.level !== "control") return state.level === "view" ? "view_only" : "no_grant";
  if (state.paused) return "paused";
  if (consent === "not_required") return null;
  if (!consent || consent.sessionId !== sessionId || consent.level !== "control") return "no_consent";
  return null;
}
