import { type PointerEvent, type RefObject, useEffect, useRef, useState } from "react";
import { animateBoard } from "../web-client/annotation-board.js";
import type { DrawingMode, HelperDrawing } from "./helper-drawing.js";

/**
 * A canvas exactly over the picture of the sharer's screen (inside the
 * letterbox): it shows what the helper draws and, while a drawing mode is on,
 * takes the pointer, so nothing the helper does there is input.
 */
export function AnnotationLayer({ drawing, mode, video }: { drawing: HelperDrawing; mode: DrawingMode | null; video: RefObject<HTMLVideoElement | null> }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [box, setBox] = useState({ left: 0, top: 0, width: 0, height: 0 });

  // Follow the picture: its shown size changes with the window, fit and the stream.
  useEffect(() => {
    const v = video.current;
    if (!v) return;
    const measure = () => {
      const w = v.clientWidth;
      const h = v.clientHeight;
      if (!v.videoWidth || !v.videoHeight || !w || !h) return setBox({ left: 0, top: 0, width: 0, height: 0 });
      const scale = Math.min(w / v.videoWidth, h / v.videoHeight);
      const width = Math.round(v.videoWidth * scale);
      const height = Math.round(v.videoHeight * scale);
      setBox({ left: v.offsetLeft + Math.round((w - width) / 2), top: v.offsetTop + Math.round((h - height) / 2), width, height });
    };
    const observer = new ResizeObserver(measure);
    observer.observe(v);
    v.addEventListener("resize", measure);
    v.addEventListener("loadedmetadata", measure);
    measure();
    return () => {
      observer.disconnect();
      v.removeEventListener("resize", measure);
      v.removeEventListener("loadedmetadata", measure);
    };
  }, [video]);

  useEffect(() => {
    const c = canvas.current;
    if (!c) return;
    c.width = Math.max(1, Math.round(box.width * devicePixelRatio));
    c.height = Math.max(1, Math.round(box.height * devicePixelRatio));
    const animation = animateBoard(drawing.board, c);
    animation.changed();
    const stop = drawing.onChange(() => animation.changed());
    return () => {
      stop();
      animation.stop();
    };
  }, [drawing, box.width, box.height]);

  const at = (e: PointerEvent) => {
    const r = canvas.current!.getBoundingClientRect();
    const clamp = (v: number) => Math.round(Math.min(1, Math.max(0, v)) * 10_000) / 10_000;
    return [clamp((e.clientX - r.left) / r.width), clamp((e.clientY - r.top) / r.height)] as const;
  };
  // The layer's events stop here: over a drawing the frame's input handlers never see them.
  const onDown = (e: PointerEvent<HTMLCanvasElement>) => {
    if (!mode) return;
    e.stopPropagation();
    e.preventDefault();
    if (mode === "laser") return;
    e.currentTarget.setPointerCapture(e.pointerId);
    drawing.begin(mode, ...at(e));
  };
  const onMove = (e: PointerEvent<HTMLCanvasElement>) => {
    if (!mode) return;
    e.stopPropagation();
    if (mode === "laser") drawing.laser(...at(e));
    else if (e.buttons & 1) drawing.extend(...at(e));
  };
  const onUp = (e: PointerEvent<HTMLCanvasElement>) => {
    if (!mode) return;
    e.stopPropagation();
    if (mode !== "laser") drawing.end();
  };

  return (
    <canvas
      ref={canvas}
      className={`annotation-layer ${mode ? "drawing" : ""}`}
      style={{ left: box.left, top: box.top, width: box.width, height: box.height }}
      onPointerDown={onDown}
      onPointerMove={onMove}
      onPointerUp={onUp}
      onPointerCancel={onUp}
      data-testid="annotation-layer"
      data-mode={mode ?? ""}
    />
  );
}
