import { InputEvent, PointerEvent, type PointerMove, SessionView, type ToAgent } from "../protocol/index.js";

/**
 * Main's half of the input gate, between the renderer and the agent process.
 * The renderer reports every session state the broker sends and forwards the
 * helper's input; main passes input on only while that state is an active,
 * unpaused `control` grant for the same session, and tells the agent the grant
 * (the agent checks again). Everything from the renderer is parsed first: a
 * compromised page gets no further than the schemas and the gate.
 */
export interface AgentLink {
  send(message: ToAgent): void;
}

export function createInputRelay(agent: AgentLink) {
  let view: SessionView | null = null;
  const controlling = () => view !== null && view.status === "active" && view.level === "control" && !view.paused;

  return {
    /** From the renderer: the session as the broker last stated it (null when there is none). */
    sessionChanged(raw: unknown): void {
      const next = raw === null ? null : SessionView.parse(raw);
      const wasControlling = controlling();
      view = next;
      if (!view || view.status === "ended") agent.send({ type: "revoke" });
      else agent.send({ type: "grant", sessionId: view.sessionId, level: view.status === "active" ? view.level : null, paused: view.paused });
      if (wasControlling && !controlling()) agent.send({ type: "revoke" });
    },

    /** From the renderer: one input event; true when it went to the agent. */
    input(sessionId: unknown, raw: unknown): boolean {
      if (typeof sessionId !== "string" || !controlling() || view!.sessionId !== sessionId) return false;
      const event: InputEvent | PointerMove | null = PointerEvent.safeParse(raw).data ?? InputEvent.safeParse(raw).data ?? null;
      if (!event || event.t === "select_display") return false; // not input: the page asks main for the display itself
      agent.send({ type: "input", sessionId, event });
      return true;
    },

    /** The revoke hotkey, or the app going away: nothing more reaches the agent, held keys are released. */
    revoke(): void {
      view = view ? { ...view, level: "view" } : null;
      agent.send({ type: "revoke" });
    },
  };
}
