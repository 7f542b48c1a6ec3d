import { type FormEvent, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import type { TenantSettings } from "../../protocol/index.js";
import { api } from "../../web-client/api.js";
import { useApi } from "../../ui/use-api.js";

const SWITCHES = ["remoteHelpEnabled", "allowUnenrolledDevices", "chatEnabled", "relayOnlyForSharers", "annotationEnabled", "clipboardEnabled", "fileTransferEnabled"] as const;
const NUMBERS = [
  ["codeLifetimeSeconds", 60, 3600],
  ["reconnectGraceSeconds", 1, 300],
  ["auditRetentionDays", 30, 3650],
  ["maxFileMegabytes", 1, 10240],
] as const;

/** The tenant's settings; the broker validates and audits every change. */
export function SettingsPage() {
  const { t } = useTranslation();
  const { data, error, setError } = useApi<TenantSettings>("/api/settings");
  const [draft, setDraft] = useState<TenantSettings | null>(null);
  const [saved, setSaved] = useState(false);
  useEffect(() => setDraft(data), [data]);
  if (!draft) return <main className="page">{error ? <p className="error">{error}</p> : t("common.loading")}</main>;

  async function save(e: FormEvent) {
    e.preventDefault();
    setSaved(false);
    try {
      setDraft(await api<TenantSettings>("/api/settings", { method: "PUT", body: draft }));
      setSaved(true);
    } catch (err) {
      setError((err as Error).message);
    }
  }

  return (
    <main className="page">
      <h1>{t("settings.title")}</h1>
      <form className="card form" onSubmit={save} data-testid="settings-form">
        {SWITCHES.map((key) => (
          <label key={key} className="switch">
            <input type="checkbox" checked={Boolean(draft[key])} onChange={(e) => setDraft({ ...draft, [key]: e.target.checked })} data-testid={`setting-${key}`} />
            <span>{t(`settings.${key}`)}</span>
          </label>
        ))}
        {NUMBERS.map(([key, min, max]) => (
          <label key={key}>
            <span>{t(`settings.${key}`)}</span>
            <input type="number" min={min} max={max} value={draft[key]} onChange={(e) => setDraft({ ...draft, [key]: Number(e.target.value) })} />
          </label>
        ))}
        <button type="submit" className="primary" data-testid="save-settings">{t("common.save")}</button>
        {saved && <p className="ok" role="status">{t("common.saved")}</p>}
        {error && <p className="error" role="alert">{error}</p>}
      </form>
    </main>
  );
}
