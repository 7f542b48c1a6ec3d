import { useTranslation } from "react-i18next";
import type { ShownError } from "../../web-client/session-common.js";

export function ErrorText({ error }: { error: ShownError | null }) {
  const { t } = useTranslation();
  if (!error) return null;
  return (
    <p className="error" role="alert" data-testid="error" data-code={error.key}>
      {t(error.key, error.values)}
    </p>
  );
}
