import type { Plural } from "./en.js";

/**
 * A short fingerprint of an English text. Each language records, per key, the
 * fingerprint of the English it was translated from
 * (src/locales/fingerprints/<code>.json, written by `npm run locales:translated`);
 * when the English changes, the recorded one no longer matches and the
 * locale test names the texts to translate again.
 */
export function fingerprint(english: string | Plural): string {
  // cyrb53: two 32-bit lanes, 53 bits in all; plenty to notice an edit, and no Node or DOM needed.
  const text = JSON.stringify(english);
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36);
}

export interface LocaleRecord {
  /** Key → fingerprint of the English it was translated from. */
  english: Record<string, string>;
  /** Keys whose text is rightly the same as English in this language (a name, a loanword). */
  sameAsEnglish: string[];
}
