import type { Plural, StringKey, Strings } from "./en.js";

/**
 * i18next's flat form: a plural's forms become `key_one`, `key_few`, … (i18next
 * picks one with Intl.PluralRules), and `{{count}}` is written with the
 * language's digits and grouping (i18next's `number` format, Intl.NumberFormat).
 */
export function i18nextResource(strings: Strings): Record<string, string> {
  const flat: Record<string, string> = {};
  const numbers = (text: string) => text.replaceAll("{{count}}", "{{count, number}}");
  for (const [key, value] of Object.entries(strings)) {
    if (typeof value === "string") flat[key] = numbers(value);
    else for (const [form, text] of Object.entries(value)) flat[`${key}_${form}`] = numbers(text);
  }
  return flat;
}

/** One text with its values filled in, without i18next (the desktop shell's dialogs and tray). */
export function translate(strings: Strings, language: string, key: StringKey, values: Record<string, string | number> = {}): string {
  const entry: string | Plural = strings[key];
  const text = typeof entry === "string" ? entry : (entry[new Intl.PluralRules(language).select(Number(values.count ?? 0))] ?? entry.other);
  return text.replace(/\{\{(\w+)\}\}/g, (_, name: string) => (values[name] === undefined ? "" : typeof values[name] === "number" ? new Intl.NumberFormat(language).format(values[name]) : values[name]));
}
