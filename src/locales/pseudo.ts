import type { Plural, Strings } from "./en.js";

/**
 * The pseudo-locale: every letter accented, every text 40% longer (in short
 * words, so it wraps the way long languages do), placeholders untouched.
 * Bracketed, so a string cut off at either end shows.
 */
const ACCENTED: Record<string, string> = Object.fromEntries(
  [..."abcdeghiklnorstuwyzABCDEGHIKLNORSTUWYZ"].map((c, i) => [c, [..."åƀçđéĝĥîķļñöŕšţûŵýžÅƁÇĐÉĜĤÎĶĻÑÖŘŠŢÛŴÝŽ"][i]!]),
);
const PADDING = "ŀöñĝ ţéẋţ ƒîļļ ŵîðé ";

function pseudo(text: string): string {
  const parts = text.split(/(\{\{\w+\}\}|\n)/);
  const accented = parts.map((part, i) => (i % 2 === 1 ? part : [...part].map((c) => ACCENTED[c] ?? c).join(""))).join("");
  const extra = Math.ceil(text.length * 0.4);
  return `⟦${accented} ${PADDING.repeat(Math.ceil(extra / PADDING.length)).slice(0, extra).trim()}⟧`;
}

export function pseudoLocalize(reference: Strings): Strings {
  const out: Record<string, string | Plural> = {};
  for (const [key, value] of Object.entries(reference)) {
    out[key] = typeof value === "string" ? pseudo(value) : (Object.fromEntries(Object.entries(value).map(([form, text]) => [form, pseudo(text)])) as Plural);
  }
  return out as Strings;
}
