import { useTranslation } from "react-i18next";
import { changeLanguage, LANGUAGES, type LanguageCode } from "../i18n/index.js";

export function LanguagePicker() {
  const { t, i18n } = useTranslation();
  return (
    <label className="language">
      <span className="sr-only">{t("common.language")}</span>
      <select value={i18n.language} onChange={(e) => void changeLanguage(e.target.value as LanguageCode)} data-testid="language">
        {LANGUAGES.map((l) => (
          <option key={l.code} value={l.code} lang={l.code}>
            {l.name}
          </option>
        ))}
      </select>
    </label>
  );
}
