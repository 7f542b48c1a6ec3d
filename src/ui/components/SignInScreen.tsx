import { useTranslation } from "react-i18next";
import { signInUrl } from "../../web-client/api.js";
import { LanguagePicker } from "./LanguagePicker.js";

export function SignInScreen({ title, explanation }: { title: string; explanation: string }) {
  const { t } = useTranslation();
  return (
    <main className="center-card">
      <LanguagePicker />
      <h1>{title}</h1>
      <p>{explanation}</p>
      <a className="button primary" href={signInUrl()} data-testid="sign-in">
        {t("common.signIn")}
      </a>
    </main>
  );
}
