import { useTranslation } from "react-i18next";
import { changeLanguage, LANGUAGES, PSEUDO, pseudoLocaleOn } from "../i18n/index.js";

/** Every language in its own name; the pseudo-locale too when a developer turned it on. */
export function LanguagePicker() {
  const { t, i18n } = useTranslation();
  const choices = pseudoLocaleOn() ? [...LANGUAGES, PSEUDO] : LANGUAGES;
  return (
    <label className="language">
      <span className="sr-only">{t("common.language")}</span>
      <select value={i18n.language} onChange={(e) => void changeLanguage(e.target.value as (typeof choices)[number]["code"])} data-testid="language">
        {choices.map((l) => (
          <option key={l.code} value={l.code} lang={l.code}>
            {l.name}
          </option>
        ))}
      </select>
    </label>
  );
}
