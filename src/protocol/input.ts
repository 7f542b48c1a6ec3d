import { z } from "zod";

/**
 * What the helper's console sends on the session's data channels once full
 * control is granted. `pointer` (unordered, no retransmits) carries moves only;
 * everything whose loss or reordering would matter (buttons, wheel, keys) goes
 * on `input` (reliable, ordered). Coordinates are normalised 0..1 to the shared
 * display, so the sharer maps them to whatever display and scale it has.
 */
export const INPUT_CHANNEL = "input";
export const POINTER_CHANNEL = "pointer";

const unit = z.number().min(0).max(1);
export const MouseButton = z.enum(["left", "middle", "right", "back", "forward"]);
export type MouseButton = z.infer<typeof MouseButton>;

export const Modifiers = z.object({ shift: z.boolean(), ctrl: z.boolean(), alt: z.boolean(), meta: z.boolean() });
export type Modifiers = z.infer<typeof Modifiers>;

const Move = z.object({ t: z.literal("move"), x: unit, y: unit });
const Button = z.object({ t: z.literal("button"), x: unit, y: unit, button: MouseButton, down: z.boolean() });
const Wheel = z.object({ t: z.literal("wheel"), x: unit, y: unit, dx: z.number().min(-10_000).max(10_000), dy: z.number().min(-10_000).max(10_000) });
/** `code` is KeyboardEvent.code (the physical key), never a character: layouts differ and symbols mistype. */
const Key = z.object({ t: z.literal("key"), code: z.string().regex(/^[A-Za-z0-9]{1,32}$/), down: z.boolean(), repeat: z.boolean(), mods: Modifiers });
/** Lift every pressed key and button (focus left the video, control revoked). */
const ReleaseAll = z.object({ t: z.literal("release_all") });
/** Show another of the sharer's displays (from the list the sharer sent); not input, never injected. */
const SelectDisplay = z.object({ t: z.literal("select_display"), id: z.string().min(1).max(64) });

/** On the `pointer` channel: moves only. */
export const PointerEvent = Move;
export type PointerMove = z.infer<typeof PointerEvent>;

/** Input whose loss or reordering would matter, sent on the reliable `input` channel. */
export const InputEvent = z.discriminatedUnion("t", [Button, Wheel, Key, ReleaseAll]);
export type InputEvent = z.infer<typeof InputEvent>;

/** Everything that may be injected, in one union: what the page hands main and main hands the agent, parsed once. */
export const InjectedEvent = z.discriminatedUnion("t", [Move, Button, Wheel, Key, ReleaseAll]);
export type InjectedEvent = z.infer<typeof InjectedEvent>;

/** What the helper sends on the `input` channel: input, or a choice of display, which is a type of its own and never input. */
export const HelperChannelMessage = z.discriminatedUnion("t", [Button, Wheel, Key, ReleaseAll, SelectDisplay]);
export type HelperChannelMessage = z.infer<typeof HelperChannelMessage>;

/** One of the sharer's displays, as the helper may choose it (desktop app only). */
export const DisplayChoice = z.object({
  id: z.string().min(1).max(64),
  label: z.string().max(100),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  primary: z.boolean(),
  current: z.boolean(),
});
export type DisplayChoice = z.infer<typeof DisplayChoice>;

/** From the sharer to the helper, on the `input` channel: which displays there are, and which is shown. */
export const SharerNotice = z.discriminatedUnion("t", [z.object({ t: z.literal("displays"), displays: z.array(DisplayChoice).max(16) })]);
export type SharerNotice = z.infer<typeof SharerNotice>;

/** Browser MouseEvent.button → protocol button. */
export function mouseButtonOf(button: number): MouseButton | null {
  return (["left", "middle", "right", "back", "forward"] as const)[button] ?? null;
}
