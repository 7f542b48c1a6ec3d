import { ALL_STRINGS } from "../locales/all.js";
import type { StringKey } from "../locales/en.js";
import { directionOf, matchLanguage } from "../locales/languages.js";
import { translate } from "../locales/resource.js";

/**
 * What the desktop shell itself says (tray, on-top strip, dialogs, the
 * consent prompt), from the same locale files as the pages, in the sharer's
 * language (shell-language.ts; English when Tandem does not speak it).
 */
export type ShellText = ((key: StringKey, values?: Record<string, string | number>) => string) & { rtl: boolean };

export function shellText(locale: string): ShellText {
  const code = matchLanguage(locale) ?? "en";
  const t = (key: StringKey, values: Record<string, string | number> = {}) => translate(ALL_STRINGS[code], code, key, values);
  return Object.assign(t, { rtl: directionOf(code) === "rtl" });
}
