import { Annotation, type SessionView, toolOn } from "../protocol/index.js";

/**
 * The helper's pointing and drawing over the sharer's real screen: one
 * transparent, click-through, always-on-top overlay per display, opened by
 * main (no preload, only the app's own overlay page) the first time something
 * is drawn in a session that allows it, and closed when drawing stops being
 * allowed (turned off, paused, ended). Only the shared display's overlay
 * draws. Never input: nothing here reaches the agent.
 */
export interface OverlayWindow {
  /** Hands one parsed annotation (as JSON) to the overlay page. */
  draw(json: string): void;
  close(): void;
}

export interface DisplayArea {
  id: number;
  bounds: { x: number; y: number; width: number; height: number };
}

export function createAnnotationOverlays(o: { open(display: DisplayArea): OverlayWindow; displays(): DisplayArea[]; sharedDisplayId(): number | null }) {
  let view: SessionView | null = null;
  let overlays: Map<number, OverlayWindow> | null = null;
  const allowed = (v: SessionView | null) => v !== null && v.status === "active" && !v.paused && toolOn(v, "annotate");

  function closeAll() {
    for (const overlay of overlays?.values() ?? []) overlay.close();
    overlays = null;
  }

  return {
    /** The session as the page last reported it, already parsed (bridge-channels.ts). */
    sessionChanged(next: SessionView | null): void {
      if (!allowed(next) || next?.sessionId !== view?.sessionId) closeAll();
      view = next;
    },

    /** True when drawn; false (and nothing shown) when the session does not allow it or the message is not an annotation. */
    annotate(sessionId: unknown, raw: unknown): boolean {
      if (!allowed(view) || sessionId !== view!.sessionId) return false;
      const annotation = Annotation.safeParse(raw);
      if (!annotation.success) return false;
      overlays ??= new Map(o.displays().map((d) => [d.id, o.open(d)]));
      const shared = overlays.get(o.sharedDisplayId() ?? -1) ?? overlays.values().next().value;
      shared?.draw(JSON.stringify(annotation.data));
      return true;
    },

    close: closeAll,
  };
}
export type AnnotationOverlays = ReturnType<typeof createAnnotationOverlays>;
