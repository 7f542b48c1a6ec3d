import { type FormEvent, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import type { DeviceView } from "../../protocol/index.js";
import { api } from "../../web-client/api.js";
import { useApi } from "../../ui/use-api.js";

interface Rules {
  minOsVersion: { macos?: string; windows?: string };
  minAppVersion?: string;
  maxDaysSinceCheckIn?: number;
}
type DeviceRow = DeviceView & { ownerId: string; ownerName: string | null; groups: string[]; registeredAt: number; lastSeenAt: number | null };

/** Registered devices with their compliance, the tenant's compliance rules, and enrollment tokens for MDM. */
export function DevicesAdminPage({ canEdit }: { canEdit: boolean }) {
  const { t, i18n } = useTranslation();
  const devices = useApi<DeviceRow[]>("/api/devices");
  const rules = useApi<Rules>("/api/compliance-rules");
  const [draft, setDraft] = useState<Rules | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [token, setToken] = useState<string | null>(null);
  useEffect(() => setDraft(rules.data), [rules.data]);

  async function saveRules(e: FormEvent) {
    e.preventDefault();
    if (!draft) return;
    const clean = { minOsVersion: Object.fromEntries(Object.entries(draft.minOsVersion).filter(([, v]) => v)), ...(draft.minAppVersion ? { minAppVersion: draft.minAppVersion } : {}), ...(draft.maxDaysSinceCheckIn ? { maxDaysSinceCheckIn: draft.maxDaysSinceCheckIn } : {}) };
    try {
      await api("/api/compliance-rules", { method: "PUT", body: clean });
      setMessage(t("common.saved"));
      devices.reload();
    } catch (err) {
      setMessage((err as Error).message);
    }
  }

  return (
    <main className="page">
      <h1>{t("devices.title")}</h1>
      <table className="table" data-testid="device-table">
        <thead><tr><th>{t("devices.name")}</th><th>{t("devices.owner")}</th><th>{t("devices.system")}</th><th>{t("devices.enrollment")}</th><th>{t("devices.compliance")}</th><th>{t("devices.lastSeen")}</th></tr></thead>
        <tbody>
          {devices.data?.map((d) => (
            <tr key={d.deviceId}>
              <td dir="auto">{d.name}</td>
              <td dir="auto"><span title={d.ownerId}>{d.ownerName ?? d.ownerId}</span></td>
              <td>{t(`platform.${d.platform}`)} {d.osVersion} · {d.appVersion}</td>
              <td><span className={`badge ${d.enrolled ? "ok" : "warn"}`}>{d.enrolled ? t("device.enrolled") : t("device.unenrolled")}</span></td>
              <td><span className={`badge ${d.compliant ? "ok" : "bad"}`}>{d.compliant ? t("device.compliant") : t("device.notCompliant")}</span> {d.reasons.join("; ")}</td>
              <td>{d.lastSeenAt ? new Date(d.lastSeenAt).toLocaleString(i18n.language) : "–"}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {devices.data?.length === 0 && <p className="empty" data-testid="devices-empty">{t("devices.empty")}</p>}
      {draft && (
        <form className="card form" onSubmit={saveRules}>
          <h2>{t("devices.rules")}</h2>
          <fieldset disabled={!canEdit}>
            <label><span>{t("devices.minMacos")}</span><input value={draft.minOsVersion.macos ?? ""} placeholder="14.0" onChange={(e) => setDraft({ ...draft, minOsVersion: { ...draft.minOsVersion, macos: e.target.value } })} /></label>
            <label><span>{t("devices.minWindows")}</span><input value={draft.minOsVersion.windows ?? ""} placeholder="10.0.19045" onChange={(e) => setDraft({ ...draft, minOsVersion: { ...draft.minOsVersion, windows: e.target.value } })} /></label>
            <label><span>{t("devices.minApp")}</span><input value={draft.minAppVersion ?? ""} onChange={(e) => setDraft({ ...draft, minAppVersion: e.target.value })} /></label>
            <label><span>{t("devices.maxDays")}</span><input type="number" min={1} max={365} value={draft.maxDaysSinceCheckIn ?? ""} onChange={(e) => setDraft({ ...draft, maxDaysSinceCheckIn: e.target.value ? Number(e.target.value) : undefined })} /></label>
            <button type="submit" className="primary">{t("common.save")}</button>
          </fieldset>
          {message && <p role="status">{message}</p>}
        </form>
      )}
      {canEdit && (
        <section className="card">
          <h2>{t("devices.enrollmentToken")}</h2>
          <p>{t("devices.enrollmentExplanation")}</p>
          <button type="button" onClick={() => api<{ token: string }>("/api/enrollment-token", { method: "POST" }).then((r) => setToken(r.token), (e: Error) => setMessage(e.message))} data-testid="new-enrollment-token">
            {t("devices.newToken")}
          </button>
          {token && <pre className="secret" data-testid="enrollment-token">{token}</pre>}
        </section>
      )}
    </main>
  );
}
