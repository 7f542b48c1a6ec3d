import { type Annotation, MAX_POINTS_PER_STROKE, MAX_STROKES, type Shape } from "../protocol/index.js";

/**
 * What the helper has pointed at and drawn, and how it looks at a moment: the
 * same board draws on the helper's view, on the web sharer's picture of their
 * screen, and in the desktop app's overlay over the real screen. Finished
 * strokes stay a few seconds, then fade; the laser's trail fades within a
 * second. Bounded: old strokes and points beyond the caps are dropped.
 */
export const STROKE_STAYS_MS = 4_000;
export const STROKE_FADES_MS = 1_000;
export const LASER_TRAIL_MS = 800;
export const INK = "#e8178a";
const LASER = "#ff2d2d";

interface Stroke {
  id: number;
  shape: Shape;
  points: [number, number][];
  endedAt: number | null;
}

export class AnnotationBoard {
  private strokes: Stroke[] = [];
  private laser: { x: number; y: number; at: number }[] = [];

  apply(a: Annotation, now: number): void {
    switch (a.t) {
      case "laser":
        this.laser.push({ x: a.x, y: a.y, at: now });
        if (this.laser.length > 256) this.laser.shift();
        return;
      case "begin":
        this.strokes = this.strokes.filter((s) => s.id !== a.id);
        this.strokes.push({ id: a.id, shape: a.shape, points: [[a.x, a.y]], endedAt: null });
        if (this.strokes.length > MAX_STROKES) this.strokes.shift();
        return;
      case "extend": {
        const stroke = this.strokes.find((s) => s.id === a.id && s.endedAt === null);
        if (!stroke) return;
        // An arrow or a rectangle is its start and where the pointer is now.
        if (stroke.shape !== "pen") stroke.points = [stroke.points[0]!, a.points[a.points.length - 1]!];
        else stroke.points.push(...a.points.slice(0, Math.max(0, MAX_POINTS_PER_STROKE - stroke.points.length)));
        return;
      }
      case "end": {
        const stroke = this.strokes.find((s) => s.id === a.id);
        if (stroke && stroke.endedAt === null) stroke.endedAt = now;
        return;
      }
      case "undo":
        this.strokes.pop();
        return;
      case "clear":
        this.strokes = [];
        this.laser = [];
        return;
    }
  }

  /** Forgets what has faded; true while something is still to be drawn (the caller keeps animating). */
  prune(now: number): boolean {
    this.strokes = this.strokes.filter((s) => s.endedAt === null || now - s.endedAt < STROKE_STAYS_MS + STROKE_FADES_MS);
    this.laser = this.laser.filter((p) => now - p.at < LASER_TRAIL_MS);
    return this.strokes.length > 0 || this.laser.length > 0;
  }

  /** Draws the board at `now` on a context the size of the shared picture (width × height in its pixels). */
  draw(ctx: CanvasRenderingContext2D, width: number, height: number, now: number): void {
    ctx.clearRect(0, 0, width, height);
    const line = Math.max(3, Math.round(Math.min(width, height) / 200));
    ctx.lineCap = "round";
    ctx.lineJoin = "round";
    for (const s of this.strokes) {
      ctx.globalAlpha = s.endedAt === null ? 1 : Math.max(0, Math.min(1, 1 - (now - s.endedAt - STROKE_STAYS_MS) / STROKE_FADES_MS));
      ctx.strokeStyle = INK;
      ctx.lineWidth = line;
      drawShape(ctx, s, width, height, line);
    }
    for (let i = 1; i < this.laser.length; i++) {
      const a = this.laser[i - 1]!;
      const b = this.laser[i]!;
      ctx.globalAlpha = Math.max(0, 1 - (now - b.at) / LASER_TRAIL_MS);
      ctx.strokeStyle = LASER;
      ctx.lineWidth = line * 1.5;
      ctx.beginPath();
      ctx.moveTo(a.x * width, a.y * height);
      ctx.lineTo(b.x * width, b.y * height);
      ctx.stroke();
    }
    const head = this.laser[this.laser.length - 1];
    if (head) {
      ctx.globalAlpha = Math.max(0, 1 - (now - head.at) / LASER_TRAIL_MS);
      ctx.fillStyle = LASER;
      ctx.beginPath();
      ctx.arc(head.x * width, head.y * height, line * 2.5, 0, Math.PI * 2);
      ctx.fill();
    }
    ctx.globalAlpha = 1;
  }
}

function drawShape(ctx: CanvasRenderingContext2D, s: Stroke, w: number, h: number, line: number) {
  const pts = s.points.map(([x, y]) => [x * w, y * h] as const);
  const [x0, y0] = pts[0]!;
  const [x1, y1] = pts[pts.length - 1]!;
  ctx.beginPath();
  if (s.shape === "rect") ctx.rect(Math.min(x0, x1), Math.min(y0, y1), Math.abs(x1 - x0), Math.abs(y1 - y0));
  else {
    ctx.moveTo(x0, y0);
    for (const [x, y] of pts.slice(1)) ctx.lineTo(x, y);
    if (pts.length === 1) ctx.lineTo(x0 + 0.01, y0);
  }
  ctx.stroke();
  if (s.shape === "arrow" && (x1 !== x0 || y1 !== y0)) {
    const angle = Math.atan2(y1 - y0, x1 - x0);
    const head = line * 5;
    ctx.beginPath();
    ctx.moveTo(x1, y1);
    ctx.lineTo(x1 - head * Math.cos(angle - Math.PI / 6), y1 - head * Math.sin(angle - Math.PI / 6));
    ctx.moveTo(x1, y1);
    ctx.lineTo(x1 - head * Math.cos(angle + Math.PI / 6), y1 - head * Math.sin(angle + Math.PI / 6));
    ctx.stroke();
  }
}

/**
 * Keeps a canvas drawn from a board while something is on it: `changed` after
 * each applied message starts the animation, which stops when all has faded.
 */
export function animateBoard(board: AnnotationBoard, canvas: HTMLCanvasElement): { changed(): void; stop(): void } {
  let frame: number | null = null;
  const tick = () => {
    const now = performance.now();
    const more = board.prune(now);
    const ctx = canvas.getContext("2d");
    if (ctx) board.draw(ctx, canvas.width, canvas.height, now);
    frame = more ? requestAnimationFrame(tick) : null;
  };
  return {
    changed: () => void (frame ??= requestAnimationFrame(tick)),
    stop: () => frame !== null && cancelAnimationFrame(frame),
  };
}
