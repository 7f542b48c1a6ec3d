import type { Strings } from "./en.js";

/**
 * The languages Tandem speaks, in the order the pickers list them, with how
 * to load each one's texts (the web pages load only the language in use).
 * `name` is the language's own name for itself, so anyone can find theirs.
 */
export const LANGUAGES = [
  { code: "en", name: "English", dir: "ltr", load: () => import("./en.js").then((m) => m.en as Strings) },
  { code: "ca", name: "Català", dir: "ltr", load: () => import("./ca.js").then((m) => m.ca) },
  { code: "cs", name: "Čeština", dir: "ltr", load: () => import("./cs.js").then((m) => m.cs) },
  { code: "da", name: "Dansk", dir: "ltr", load: () => import("./da.js").then((m) => m.da) },
  { code: "de", name: "Deutsch", dir: "ltr", load: () => import("./de.js").then((m) => m.de) },
  { code: "es", name: "Español", dir: "ltr", load: () => import("./es.js").then((m) => m.es) },
  { code: "fr", name: "Français", dir: "ltr", load: () => import("./fr.js").then((m) => m.fr) },
  { code: "it", name: "Italiano", dir: "ltr", load: () => import("./it.js").then((m) => m.it) },
  { code: "nl", name: "Nederlands", dir: "ltr", load: () => import("./nl.js").then((m) => m.nl) },
  { code: "nb", name: "Norsk bokmål", dir: "ltr", load: () => import("./nb.js").then((m) => m.nb) },
  { code: "pl", name: "Polski", dir: "ltr", load: () => import("./pl.js").then((m) => m.pl) },
  { code: "pt-BR", name: "Português (Brasil)", dir: "ltr", load: () => import("./pt-BR.js").then((m) => m.ptBR) },
  { code: "pt-PT", name: "Português (Portugal)", dir: "ltr", load: () => import("./pt-PT.js").then((m) => m.ptPT) },
  { code: "fi", name: "Suomi", dir: "ltr", load: () => import("./fi.js").then((m) => m.fi) },
  { code: "sv", name: "Svenska", dir: "ltr", load: () => import("./sv.js").then((m) => m.sv) },
  { code: "tr", name: "Türkçe", dir: "ltr", load: () => import("./tr.js").then((m) => m.tr) },
  { code: "ru", name: "Русский", dir: "ltr", load: () => import("./ru.js").then((m) => m.ru) },
  { code: "uk", name: "Українська", dir: "ltr", load: () => import("./uk.js").then((m) => m.uk) },
  { code: "he", name: "עברית", dir: "rtl", load: () => import("./he.js").then((m) => m.he) },
  { code: "ar", name: "العربية", dir: "rtl", load: () => import("./ar.js").then((m) => m.ar) },
  { code: "ja", name: "日本語", dir: "ltr", load: () => import("./ja.js").then((m) => m.ja) },
  { code: "ko", name: "한국어", dir: "ltr", load: () => import("./ko.js").then((m) => m.ko) },
  { code: "zh", name: "简体中文", dir: "ltr", load: () => import("./zh.js").then((m) => m.zh) },
  { code: "zh-Hant", name: "繁體中文", dir: "ltr", load: () => import("./zh-Hant.js").then((m) => m.zhHant) },
] as const;

export type LanguageCode = (typeof LANGUAGES)[number]["code"];

/**
 * English with accents and 40% more letters, for layout checks: a screen that
 * truncates or overflows in it will in German or Finnish too. Not in the
 * pickers unless a developer turns it on.
 */
export const PSEUDO = { code: "en-XA", name: "Ƥšéûðö (layout check)", dir: "ltr" } as const;

/** The document's `lang` for a code: Simplified Chinese says which script. */
export const htmlLang = (code: string) => (code === "zh" ? "zh-Hans" : code);

export const directionOf = (code: string): "ltr" | "rtl" => LANGUAGES.find((l) => l.code === code)?.dir ?? "ltr";

/**
 * The language for a BCP 47 tag from a browser, an OS or a saved choice, or
 * undefined when Tandem does not speak it: the exact code first, then the
 * language's usual variant (Portuguese → Brazil unless Portugal's is asked
 * for; Chinese → Traditional for Taiwan, Hong Kong and Macau or an explicit
 * Hant script; Norwegian, Nynorsk included → Bokmål; Hebrew's old code iw).
 */
export function matchLanguage(tag: string): LanguageCode | undefined {
  const lower = tag.trim().replace(/_/g, "-").toLowerCase();
  const exact = LANGUAGES.find((l) => l.code.toLowerCase() === lower);
  if (exact) return exact.code;
  const [language, ...rest] = lower.split("-");
  if (language === "zh") return rest.some((part) => ["hant", "tw", "hk", "mo"].includes(part)) ? "zh-Hant" : "zh";
  if (language === "pt") return rest.includes("pt") || rest.includes("ao") || rest.includes("mz") ? "pt-PT" : "pt-BR";
  if (language === "no" || language === "nn") return "nb";
  if (language === "iw") return "he";
  return LANGUAGES.find((l) => l.code === language)?.code;
}

/** The first of a browser's or OS's preferred languages that Tandem speaks; English otherwise. */
export function pickLanguage(preferred: readonly string[], saved: string | null): LanguageCode | typeof PSEUDO.code {
  if (saved === PSEUDO.code) return PSEUDO.code;
  return (saved ? matchLanguage(saved) : undefined) ?? preferred.map(matchLanguage).find(Boolean) ?? "en";
}
