import i18next from "i18next";
import { initReactI18next } from "react-i18next";
import { en } from "../../locales/en.js";
import { directionOf, htmlLang, LANGUAGES, type LanguageCode, pickLanguage, PSEUDO } from "../../locales/languages.js";
import { i18nextResource } from "../../locales/resource.js";

export { LANGUAGES, PSEUDO, type LanguageCode };

/**
 * All user-facing text goes through i18next. The browser's language is the
 * default; a choice made in the picker is remembered per browser (and told to
 * the desktop shell, which then speaks it too). Only the language in use is
 * loaded. Hebrew and Arabic turn the whole page right-to-left.
 */
const STORAGE_KEY = "tandem.language";
/** Developers (and the layout tests) turn the pseudo-locale on in the picker with this key set to "1". */
export const PSEUDO_KEY = "tandem.pseudo-locale";
type Choice = LanguageCode | typeof PSEUDO.code;

function applyDirection(code: string) {
  document.documentElement.lang = htmlLang(code);
  document.documentElement.dir = directionOf(code);
}

async function load(code: Choice) {
  if (i18next.hasResourceBundle(code, "translation")) return;
  const strings = code === PSEUDO.code ? (await import("../../locales/pseudo.js")).pseudoLocalize(en) : await LANGUAGES.find((l) => l.code === code)!.load();
  i18next.addResourceBundle(code, "translation", i18nextResource(strings));
}

export async function initI18n(): Promise<typeof i18next> {
  const fromQuery = new URLSearchParams(location.search).get("lang");
  const lng = pickLanguage(navigator.languages ?? [navigator.language], fromQuery ?? localStorage.getItem(STORAGE_KEY));
  await i18next.use(initReactI18next).init({
    lng: "en",
    fallbackLng: "en",
    keySeparator: false,
    interpolation: { escapeValue: false }, // React escapes
    resources: { en: { translation: i18nextResource(en) } },
  });
  i18next.on("languageChanged", applyDirection); // from here on, every change (this first one too) sets lang and dir
  await load(lng);
  await i18next.changeLanguage(lng);
  return i18next;
}

export async function changeLanguage(code: Choice) {
  localStorage.setItem(STORAGE_KEY, code);
  await load(code);
  await i18next.changeLanguage(code);
  if (code !== PSEUDO.code) (window as { tandemDesktop?: { languageChosen?(code: string): void } }).tandemDesktop?.languageChosen?.(code);
}

export const pseudoLocaleOn = () => localStorage.getItem(PSEUDO_KEY) === "1";
