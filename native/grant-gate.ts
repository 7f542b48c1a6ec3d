import { type FromAgent, type Level, mayInjectNow } from "../src/protocol/index.js";

/**
 * The agent's own check, whatever main already decided: input is injected only
 * for the session holding a live `control` grant that the sharer has not
 * paused (the shared rule, src/protocol/may-inject.ts).
 */
export type Grant = { sessionId: string; level: Level | null; paused: boolean } | null;
export type DropReason = Extract<FromAgent, { type: "dropped" }>["reason"];

export function admit(grant: Grant, sessionId: string): DropReason | null {
  // Main issues a grant only after the sharer's click in its own prompt: the grant is the consent here.
  const refusal = mayInjectNow(grant, sessionId, "not_required");
  return refusal === "no_consent" ? "no_grant" : refusal;
}

/** Whether a new grant takes away what the old one allowed (then held keys and buttons are released). */
export function narrows(before: Grant, after: Grant): boolean {
  return admit(before, before?.sessionId ?? "") === null && admit(after, before!.sessionId) !== null;
}
