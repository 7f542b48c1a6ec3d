import { ar } from "../locales/ar.js";
import { en, type Strings } from "../locales/en.js";
import { es } from "../locales/es.js";
import { fr } from "../locales/fr.js";
import { it } from "../locales/it.js";
import { sv } from "../locales/sv.js";
import { zh } from "../locales/zh.js";

/**
 * What the desktop shell itself says (tray, on-top strip, dialogs, the
 * consent prompt), from the same locale files as the pages, in the OS's
 * language (English when Tandem does not speak it).
 */
const LOCALES: Record<string, Strings> = { en, es, fr, it, sv, zh, ar };

export type ShellText = ((key: keyof Strings, values?: Record<string, string>) => string) & { rtl: boolean };

export function shellText(locale: string): ShellText {
  const language = locale.toLowerCase().split("-")[0]!;
  const strings = LOCALES[language] ?? en;
  const t = (key: keyof Strings, values: Record<string, string> = {}) => strings[key].replace(/\{\{(\w+)\}\}/g, (_, name: string) => values[name] ?? "");
  return Object.assign(t, { rtl: language === "ar" && strings === ar });
}
