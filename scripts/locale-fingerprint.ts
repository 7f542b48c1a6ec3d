import { createHash } from "node:crypto";
import type { Plural } from "../src/locales/en.js";

/**
 * A short fingerprint of an English text. Each language records, per key, the
 * fingerprint of the English it was translated from
 * (src/locales/fingerprints/<code>.json, written by `npm run locales:translated`);
 * when the English changes, the recorded one no longer matches and the
 * locale test names the texts to translate again.
 */
export const fingerprint = (english: string | Plural) => createHash("sha256").update(JSON.stringify(english)).digest("base64url").slice(0, 11);

export interface LocaleRecord {
  /** Key → fingerprint of the English it was translated from. */
  english: Record<string, string>;
  /** Keys whose text is rightly the same as English in this language (a name, a loanword). */
  sameAsEnglish: string[];
}
