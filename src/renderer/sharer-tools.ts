import { type Annotation, type SessionView, type Tool, toolOn } from "../protocol/index.js";
import { AnnotationBoard } from "../web-client/annotation-board.js";
import type { BrokerConnection } from "../web-client/broker-connection.js";
import { HandOver } from "../web-client/hand-over.js";
import { saveFile } from "../web-client/save-file.js";
import type { SharerHost } from "./sharer-host.js";

/**
 * What the helper shows and hands over, on the sharer's side: the helper's
 * pointing and drawing (drawn here only while the session is shared, not
 * paused, and the tool is on; in the desktop app also over the real screen,
 * by main), files and the clipboard (hand-over.ts), and the sharer's switches
 * for each, which the broker records and tells the helper.
 */
export class SharerTools {
  readonly board = new AnnotationBoard();
  readonly handOver: HandOver;
  private readonly drawn = new Set<() => void>();
  /** Drawing allowed in the last state: only its end wipes what was drawn (not every state that follows). */
  private drawing = false;

  constructor(
    private readonly host: SharerHost,
    private readonly connection: () => BrokerConnection | null,
    private readonly view: () => SessionView | null,
    /** The screen being shared, for the page's own picture of it (the web page draws on that). */
    readonly sharedScreen: () => MediaStream | null,
  ) {
    this.handOver = new HandOver({ role: "sharer", connection, view, ...(host.clipboard ? { clipboard: host.clipboard } : {}), save: saveFile });
  }

  annotation(annotation: Annotation): void {
    const view = this.view();
    if (!view || view.status !== "active" || view.paused || !toolOn(view, "annotate")) return;
    this.board.apply(annotation, performance.now());
    this.host.annotate?.(view.sessionId, annotation);
    for (const listener of this.drawn) listener();
  }

  /** The page's picture redraws when something was drawn. */
  onDrawn(listener: () => void): () => void {
    this.drawn.add(listener);
    return () => this.drawn.delete(listener);
  }

  /** Every new state: drawing turned off, paused or over wipes what was drawn, here and over the screen. */
  viewChanged(view: SessionView): void {
    const drawing = view.status === "active" && !view.paused && toolOn(view, "annotate");
    const stopped = this.drawing && !drawing;
    this.drawing = drawing;
    if (view.status === "ended") this.handOver.stopAll();
    if (!stopped) return;
    this.board.apply({ t: "clear" }, performance.now());
    this.host.annotate?.(view.sessionId, { t: "clear" });
    for (const listener of this.drawn) listener();
  }

  /** The sharer turns a tool off or on for this session. */
  async switchTool(tool: Tool, on: boolean): Promise<void> {
    const view = this.view();
    const connection = this.connection();
    if (view && connection) await connection.command({ type: "session.tool", sessionId: view.sessionId, tool, on });
  }
}
