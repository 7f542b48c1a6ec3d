import { Annotation } from "../protocol/index.js";
import { AnnotationBoard, animateBoard } from "../web-client/annotation-board.js";

/**
 * The desktop app's overlay over one display (main opens it without a
 * preload; see src/main/annotation-overlays.ts): a full-window canvas drawing
 * the helper's pointing and drawing. Main hands each annotation to
 * `tandemOverlay.apply`, parsed already; it is parsed again here.
 */
const canvas = document.getElementById("board") as HTMLCanvasElement;
const board = new AnnotationBoard();
const animation = animateBoard(board, canvas);

function fit() {
  canvas.width = Math.round(innerWidth * devicePixelRatio);
  canvas.height = Math.round(innerHeight * devicePixelRatio);
  animation.changed();
}
addEventListener("resize", fit);
fit();

(window as unknown as { tandemOverlay: { apply(raw: unknown): void } }).tandemOverlay = {
  apply(raw) {
    const annotation = Annotation.safeParse(raw);
    if (!annotation.success) return;
    board.apply(annotation.data, performance.now());
    animation.changed();
  },
};
