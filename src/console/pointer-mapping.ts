/**
 * Where a pointer event falls on the shared screen, normalised 0..1, given the
 * video element's box and the stream's size: `object-fit: contain` letterboxes
 * the picture, and clicks on the bars are outside the screen (null).
 */
export function normalisedPoint(clientX: number, clientY: number, box: { left: number; top: number; width: number; height: number }, videoWidth: number, videoHeight: number): { x: number; y: number } | null {
  if (!videoWidth || !videoHeight || !box.width || !box.height) return null;
  const scale = Math.min(box.width / videoWidth, box.height / videoHeight);
  const shownW = videoWidth * scale;
  const shownH = videoHeight * scale;
  const x = (clientX - box.left - (box.width - shownW) / 2) / shownW;
  const y = (clientY - box.top - (box.height - shownH) / 2) / shownH;
  if (x < 0 || x > 1 || y < 0 || y > 1) return null;
  return { x: Math.round(x * 10_000) / 10_000, y: Math.round(y * 10_000) / 10_000 };
}
