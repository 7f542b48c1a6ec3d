import i18next from "i18next";
import { initReactI18next } from "react-i18next";
import { en } from "../../locales/en.js";
import { es } from "../../locales/es.js";
import { fr } from "../../locales/fr.js";
import { it } from "../../locales/it.js";
import { sv } from "../../locales/sv.js";
import { ar } from "../../locales/ar.js";
import { zh } from "../../locales/zh.js";

/**
 * All user-facing text goes through i18next. The browser's language is the
 * default; a choice made in the picker is remembered per browser. Arabic turns
 * the whole page right-to-left.
 */
export const LANGUAGES = [
  { code: "en", name: "English", dir: "ltr" },
  { code: "es", name: "Español", dir: "ltr" },
  { code: "fr", name: "Français", dir: "ltr" },
  { code: "it", name: "Italiano", dir: "ltr" },
  { code: "sv", name: "Svenska", dir: "ltr" },
  { code: "ar", name: "العربية", dir: "rtl" },
  { code: "zh", name: "简体中文", dir: "ltr" },
] as const;
export type LanguageCode = (typeof LANGUAGES)[number]["code"];

const STORAGE_KEY = "tandem.language";

export function pickLanguage(preferred: readonly string[], saved: string | null): LanguageCode {
  const known = (tag: string) => LANGUAGES.find((l) => l.code === tag.toLowerCase().split("-")[0])?.code;
  return (saved && known(saved)) || preferred.map(known).find(Boolean) || "en";
}

function applyDirection(code: string) {
  const language = LANGUAGES.find((l) => l.code === code) ?? LANGUAGES[0];
  document.documentElement.lang = language.code === "zh" ? "zh-Hans" : language.code;
  document.documentElement.dir = language.dir;
}

export async function initI18n(): Promise<typeof i18next> {
  const fromQuery = new URLSearchParams(location.search).get("lang");
  const lng = pickLanguage(navigator.languages ?? [navigator.language], fromQuery ?? localStorage.getItem(STORAGE_KEY));
  await i18next.use(initReactI18next).init({
    lng,
    fallbackLng: "en",
    keySeparator: false,
    interpolation: { escapeValue: false }, // React escapes
    resources: { en: { translation: en }, es: { translation: es }, fr: { translation: fr }, it: { translation: it }, sv: { translation: sv }, ar: { translation: ar }, zh: { translation: zh } },
  });
  applyDirection(lng);
  i18next.on("languageChanged", applyDirection);
  return i18next;
}

export async function changeLanguage(code: LanguageCode) {
  localStorage.setItem(STORAGE_KEY, code);
  await i18next.changeLanguage(code);
}
