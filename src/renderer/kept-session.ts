import type { SessionView } from "../protocol/index.js";

/** What lets this tab come back into its session after a reload (kept per tab, gone with it). */
const KEPT = "tandem.sharer.session";
export interface Kept {
  sessionId: string;
  resumeToken: string;
  code: string;
}

/** Kept for this tab while the session runs (sessionStorage: gone with the tab, never shared with another). */
export function keepSession(view: SessionView, code: string | null, resumeToken: string | null): void {
  if (code && resumeToken && view.status !== "ended") sessionStorage.setItem(KEPT, JSON.stringify({ sessionId: view.sessionId, resumeToken, code } satisfies Kept));
}

export function forgetSession(): void {
  sessionStorage.removeItem(KEPT);
}

export function readKept(): Kept | null {
  try {
    const kept = JSON.parse(sessionStorage.getItem(KEPT) ?? "null") as Kept | null;
    return kept && typeof kept.sessionId === "string" && typeof kept.resumeToken === "string" && typeof kept.code === "string" ? kept : null;
  } catch {
    return null;
  }
}
