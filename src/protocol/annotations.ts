import { z } from "zod";

/**
 * Pointing and drawing, from the helper to the sharer on the `annotate` data
 * channel (reliable, ordered), in coordinates normalised 0..1 to the shared
 * display. Never input: no schema here is accepted where input is, and the
 * sharer's side only draws them.
 */
export const ANNOTATE_CHANNEL = "annotate";
/** Clipboard text, on its own reliable channel. */
export const TOOLS_CHANNEL = "tools";

const unit = z.number().min(0).max(1);
export const Shape = z.enum(["pen", "arrow", "rect"]);
export type Shape = z.infer<typeof Shape>;
const strokeId = z.number().int().min(0).max(2 ** 31);
/** Points per message and per stroke: a stroke is drawn by hand, not a flood. */
export const MAX_POINTS_PER_MESSAGE = 64;
export const MAX_POINTS_PER_STROKE = 4096;
export const MAX_STROKES = 256;

export const Annotation = z.discriminatedUnion("t", [
  /** The laser pointer: a trail that fades within a second. */
  z.object({ t: z.literal("laser"), x: unit, y: unit }),
  z.object({ t: z.literal("begin"), id: strokeId, shape: Shape, x: unit, y: unit }),
  /** More of a pen stroke; for an arrow or a rectangle, the last point is where it ends now. */
  z.object({ t: z.literal("extend"), id: strokeId, points: z.array(z.tuple([unit, unit])).min(1).max(MAX_POINTS_PER_MESSAGE) }),
  /** The stroke is finished: it fades a few seconds later. */
  z.object({ t: z.literal("end"), id: strokeId }),
  z.object({ t: z.literal("undo") }),
  z.object({ t: z.literal("clear") }),
]);
export type Annotation = z.infer<typeof Annotation>;
/** An annotation message is small; anything longer is not one. */
export const MAX_ANNOTATION_CHARS = 4096;

/** On the `tools` channel: the clipboard's text for a use the broker announced. */
export const ClipboardText = z.object({ t: z.literal("clipboard"), useId: z.string().uuid(), text: z.string() });
export type ClipboardText = z.infer<typeof ClipboardText>;
