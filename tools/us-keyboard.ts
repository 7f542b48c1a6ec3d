/**
 * What a browser on a US-layout keyboard reports for each character typed:
 * the physical key (KeyboardEvent.code) and whether Shift is held. Tests and
 * benchmarks use it to send text as a helper's keyboard would.
 */
const UNSHIFTED: Record<string, string> = { "`": "Backquote", "-": "Minus", "=": "Equal", "[": "BracketLeft", "]": "BracketRight", "\\": "Backslash", ";": "Semicolon", "'": "Quote", ",": "Comma", ".": "Period", "/": "Slash", " ": "Space", "\n": "Enter" };
const SHIFTED: Record<string, string> = { "~": "Backquote", "!": "Digit1", "@": "Digit2", "#": "Digit3", $: "Digit4", "%": "Digit5", "^": "Digit6", "&": "Digit7", "*": "Digit8", "(": "Digit9", ")": "Digit0", _: "Minus", "+": "Equal", "{": "BracketLeft", "}": "BracketRight", "|": "Backslash", ":": "Semicolon", '"': "Quote", "<": "Comma", ">": "Period", "?": "Slash" };

export function keyFor(char: string): { code: string; shift: boolean } {
  if (/^[a-z]$/.test(char)) return { code: `Key${char.toUpperCase()}`, shift: false };
  if (/^[A-Z]$/.test(char)) return { code: `Key${char}`, shift: true };
  if (/^[0-9]$/.test(char)) return { code: `Digit${char}`, shift: false };
  if (char in UNSHIFTED) return { code: UNSHIFTED[char]!, shift: false };
  if (char in SHIFTED) return { code: SHIFTED[char]!, shift: true };
  throw new Error(`no US key for ${JSON.stringify(char)}`);
}

/** The key events of typing `text`: Shift pressed and released around shifted characters, as a real keyboard does. */
export function keyEventsFor(text: string) {
  const mods = (shift: boolean) => ({ shift, ctrl: false, alt: false, meta: false });
  const events: { t: "key"; code: string; down: boolean; repeat: boolean; mods: ReturnType<typeof mods> }[] = [];
  for (const char of text) {
    const { code, shift } = keyFor(char);
    if (shift) events.push({ t: "key", code: "ShiftLeft", down: true, repeat: false, mods: mods(true) });
    events.push({ t: "key", code, down: true, repeat: false, mods: mods(shift) }, { t: "key", code, down: false, repeat: false, mods: mods(shift) });
    if (shift) events.push({ t: "key", code: "ShiftLeft", down: false, repeat: false, mods: mods(false) });
  }
  return events;
}
