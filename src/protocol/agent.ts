import { z } from "zod";
import { PermissionReport } from "./desktop-bridge.js";
import { InjectedEvent } from "./input.js";
import { Level } from "./session-machine.js";
import { MAX_CLIPBOARD_CHARS } from "./tools.js";

/**
 * Between the desktop app's main process and the input agent (its own
 * process). Main tells the agent which grant is live and where the shared
 * display is; the agent injects only input that the live grant covers, and
 * checks that again itself.
 */
export const DisplayBounds = z.object({ x: z.number().int(), y: z.number().int(), width: z.number().int().positive(), height: z.number().int().positive() });
export type DisplayBounds = z.infer<typeof DisplayBounds>;

/** Where a helper's normalised (0..1) point lands on the shared display, in the agent's pointer space. */
export function pointOnDisplay(bounds: DisplayBounds, nx: number, ny: number): { x: number; y: number } {
  const clamp = (v: number) => Math.min(1, Math.max(0, v));
  return { x: Math.round(bounds.x + clamp(nx) * (bounds.width - 1)), y: Math.round(bounds.y + clamp(ny) * (bounds.height - 1)) };
}

export const ToAgent = z.discriminatedUnion("type", [
  /** The grant as the broker last stated it; anything but level control and not paused means: inject nothing. */
  z.object({ type: z.literal("grant"), sessionId: z.string().uuid(), level: Level.nullable(), paused: z.boolean() }),
  /** Control ended (revoked, session over, hotkey): release every held key and button now. */
  z.object({ type: z.literal("revoke") }),
  /** Where the shared display sits in the desktop's pixel space. */
  z.object({ type: z.literal("display"), bounds: DisplayBounds }),
  z.object({ type: z.literal("input"), sessionId: z.string().uuid(), event: InjectedEvent, id: z.number().int().optional() }),
  /** Check Accessibility / Screen Recording (or Wayland) now: the sharer may have just changed them. */
  z.object({ type: z.literal("probe_permissions") }),
  /** Text for the OS clipboard, or the clipboard's text: under a live grant of this session (any level), not paused. */
  z.object({ type: z.literal("clipboard_write"), id: z.number().int(), sessionId: z.string().uuid(), text: z.string().max(MAX_CLIPBOARD_CHARS) }),
  z.object({ type: z.literal("clipboard_read"), id: z.number().int(), sessionId: z.string().uuid() }),
]);
export type ToAgent = z.infer<typeof ToAgent>;

export const FromAgent = z.discriminatedUnion("type", [
  z.object({ type: z.literal("ready"), platform: z.string(), display: DisplayBounds, injection: z.enum(["available", "unsupported"]), reason: z.string().optional() }),
  /** An input event done (with its id when it had one), or dropped and why. */
  z.object({ type: z.literal("injected"), id: z.number().int().optional() }),
  z.object({ type: z.literal("dropped"), id: z.number().int().optional(), reason: z.enum(["no_grant", "paused", "view_only", "other_session", "bad_message", "unknown_key"]) }),
  z.object({ type: z.literal("permissions"), report: PermissionReport }),
  /** A clipboard request done (with the text read), or not. */
  z.object({ type: z.literal("clipboard"), id: z.number().int(), ok: z.boolean(), text: z.string().optional() }),
]);
export type FromAgent = z.infer<typeof FromAgent>;
