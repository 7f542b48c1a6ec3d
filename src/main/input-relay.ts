import { InjectedEvent, type LocalConsent, mayInjectNow, SessionView, type ToAgent } from "../protocol/index.js";

/**
 * Main's half of the input gate, between the renderer and the agent process.
 * The renderer reports every session state the broker sends and forwards the
 * helper's input; main passes input on only while the shared rule
 * (`mayInjectNow`) holds for that state AND for the sharer's own click in
 * main's consent prompt (`consented`, after the broker's signed grant was
 * verified: src/main/control-consent.ts). What the page reports can narrow
 * control (pause, downgrade, end) but never widen it: a state that says
 * `control` without that click gives the agent a view-only grant. Everything
 * from the renderer is parsed first.
 */
export interface AgentLink {
  send(message: ToAgent): void;
}

export function createInputRelay(agent: AgentLink) {
  let view: SessionView | null = null;
  let consent: LocalConsent | null = null;
  const allowed = () => view !== null && mayInjectNow(view, view.sessionId, consent) === null;

  /** The grant the agent may act on: control only where the sharer clicked Allow in main's prompt. */
  function tellAgent(wasAllowed: boolean) {
    if (!view || view.status === "ended") return agent.send({ type: "revoke" });
    const consentedHere = consent !== null && consent.sessionId === view.sessionId && consent.level === "control";
    const level = view.status !== "active" ? null : view.level === "control" && !consentedHere ? "view" : view.level;
    agent.send({ type: "grant", sessionId: view.sessionId, level, paused: view.paused });
    if (wasAllowed && !allowed()) agent.send({ type: "revoke" });
  }

  return {
    /** From the renderer: the session as the broker last stated it (null when there is none). */
    sessionChanged(raw: unknown): void {
      const next = raw === null ? null : SessionView.parse(raw);
      const wasAllowed = allowed();
      view = next;
      // A consent covers one grant of control in one session: another session, an end, or an active state that is not control uses it up.
      if (consent && (!view || view.sessionId !== consent.sessionId || view.status === "ended" || (view.status === "active" && view.level !== "control"))) consent = null;
      tellAgent(wasAllowed);
    },

    /** From main's own prompt, after the sharer clicked Allow on a verified grant. */
    consented(next: LocalConsent): void {
      const wasAllowed = allowed();
      consent = next;
      if (view) tellAgent(wasAllowed);
    },

    /** From the renderer: one input event; true when it went to the agent. */
    input(sessionId: unknown, raw: unknown): boolean {
      if (typeof sessionId !== "string" || !view || mayInjectNow(view, sessionId, consent) !== null) return false;
      const event = InjectedEvent.safeParse(raw).data; // a display choice is not in the union: the page asks main for the display itself
      if (!event) return false;
      agent.send({ type: "input", sessionId, event });
      return true;
    },

    /** The revoke hotkey, the tray's Stop, or the app going away: nothing more reaches the agent, held keys are released; control needs a new click. */
    revoke(): void {
      view = view ? { ...view, level: "view" } : null;
      consent = null;
      agent.send({ type: "revoke" });
    },
  };
}
export type InputRelay = ReturnType<typeof createInputRelay>;
