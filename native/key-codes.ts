import { Key, keyboard } from "@nut-tree-fork/nut-js";
import type { KeyBackend } from "./key-backend.js";

/**
 * KeyboardEvent.code (the physical key the helper pressed) → the key libnut
 * presses on the sharer's machine. Physical keys, not characters: the sharer's
 * own keyboard layout turns them into characters, exactly as if they typed.
 */
const NAMED: Record<string, Key> = {
  Escape: Key.Escape, Backquote: Key.Grave, Minus: Key.Minus, Equal: Key.Equal, Backspace: Key.Backspace, Tab: Key.Tab,
  BracketLeft: Key.LeftBracket, BracketRight: Key.RightBracket, Backslash: Key.Backslash, CapsLock: Key.CapsLock,
  Semicolon: Key.Semicolon, Quote: Key.Quote, Enter: Key.Enter, Comma: Key.Comma, Period: Key.Period, Slash: Key.Slash, Space: Key.Space,
  ShiftLeft: Key.LeftShift, ShiftRight: Key.RightShift, ControlLeft: Key.LeftControl, ControlRight: Key.RightControl,
  AltLeft: Key.LeftAlt, AltRight: Key.RightAlt, MetaLeft: Key.LeftSuper, MetaRight: Key.RightSuper, ContextMenu: Key.Menu,
  ArrowUp: Key.Up, ArrowDown: Key.Down, ArrowLeft: Key.Left, ArrowRight: Key.Right,
  Insert: Key.Insert, Delete: Key.Delete, Home: Key.Home, End: Key.End, PageUp: Key.PageUp, PageDown: Key.PageDown,
  PrintScreen: Key.Print, ScrollLock: Key.ScrollLock, Pause: Key.Pause, NumLock: Key.NumLock,
  NumpadAdd: Key.Add, NumpadSubtract: Key.Subtract, NumpadMultiply: Key.Multiply, NumpadDivide: Key.Divide,
  NumpadDecimal: Key.Decimal, NumpadEnter: Key.Enter, NumpadEqual: Key.NumPadEqual,
};

export function keyOf(code: string): Key | null {
  if (code in NAMED) return NAMED[code]!;
  let m = /^Key([A-Z])$/.exec(code);
  if (m) return Key[m[1] as keyof typeof Key] as Key;
  m = /^Digit([0-9])$/.exec(code);
  if (m) return Key[`Num${m[1]}` as keyof typeof Key] as Key;
  m = /^Numpad([0-9])$/.exec(code);
  if (m) return Key[`NumPad${m[1]}` as keyof typeof Key] as Key;
  m = /^F([1-9]|1[0-9]|2[0-4])$/.exec(code);
  if (m) return Key[`F${m[1]}` as keyof typeof Key] as Key;
  return null;
}

/** Keys through nut-js: macOS and Windows press physical key codes (kVK_ / scan-code based VKs). */
export const nutKeys: KeyBackend = {
  has: (code) => keyOf(code) !== null,
  down: async (code) => void (await keyboard.pressKey(keyOf(code)!)),
  up: async (code) => void (await keyboard.releaseKey(keyOf(code)!)),
};

/** The modifier keys (left first), by the flag that says whether one of them should be down. */
export const MODIFIER_KEYS = {
  shift: ["ShiftLeft", "ShiftRight"],
  ctrl: ["ControlLeft", "ControlRight"],
  alt: ["AltLeft", "AltRight"],
  meta: ["MetaLeft", "MetaRight"],
} as const satisfies Record<string, readonly [string, string]>;
export const MODIFIER_CODES: Record<string, keyof typeof MODIFIER_KEYS> = {
  ShiftLeft: "shift", ShiftRight: "shift", ControlLeft: "ctrl", ControlRight: "ctrl", AltLeft: "alt", AltRight: "alt", MetaLeft: "meta", MetaRight: "meta",
};
