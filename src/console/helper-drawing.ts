import type { Annotation, Shape } from "../protocol/index.js";
import { AnnotationBoard } from "../web-client/annotation-board.js";

/** Pointing (the laser) or one of the drawing shapes: what the helper's pointer does over the screen instead of input. */
export type DrawingMode = "laser" | Shape;

/**
 * The helper's side of pointing and drawing: each message goes to the sharer
 * and onto the helper's own board at once, so both see the same strokes.
 */
export class HelperDrawing {
  readonly board = new AnnotationBoard();
  private nextId = 1;
  private current: number | null = null;
  private readonly listeners = new Set<() => void>();

  constructor(private readonly send: (annotation: Annotation) => void) {}

  private emit(annotation: Annotation) {
    this.send(annotation);
    this.board.apply(annotation, performance.now());
    for (const listener of this.listeners) listener();
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  laser(x: number, y: number) {
    this.emit({ t: "laser", x, y });
  }

  begin(shape: Shape, x: number, y: number) {
    this.current = this.nextId++;
    this.emit({ t: "begin", id: this.current, shape, x, y });
  }

  extend(x: number, y: number) {
    if (this.current !== null) this.emit({ t: "extend", id: this.current, points: [[x, y]] });
  }

  end() {
    if (this.current !== null) this.emit({ t: "end", id: this.current });
    this.current = null;
  }

  undo() {
    this.emit({ t: "undo" });
  }

  clear() {
    this.emit({ t: "clear" });
  }
}
