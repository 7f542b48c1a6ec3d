import type { FromAgent, Level } from "../src/protocol/index.js";

/**
 * The agent's own check, whatever main already decided: input is injected only
 * for the session holding a live `control` grant that the sharer has not
 * paused. Pure, so every case is a table row in a test.
 */
export type Grant = { sessionId: string; level: Level | null; paused: boolean } | null;
export type DropReason = Extract<FromAgent, { type: "dropped" }>["reason"];

export function admit(grant: Grant, sessionId: string): DropReason | null {
  if (!grant) return "no_grant";
  if (grant.sessionId !== sessionId) return "other_session";
  if (grant.level !== "control") return grant.level === "view" ? "view_only" : "no_grant";
  if (grant.paused) return "paused";
  return null;
}

/** Whether a new grant takes away what the old one allowed (then held keys and buttons are released). */
export function narrows(before: Grant, after: Grant): boolean {
  return admit(before, before?.sessionId ?? "") === null && admit(after, before!.sessionId) !== null;
}
