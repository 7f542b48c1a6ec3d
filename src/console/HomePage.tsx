import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import type { DeviceView } from "../protocol/index.js";
import { api, type Me } from "../web-client/api.js";
import { ErrorText } from "../ui/components/ErrorText.js";
import { useStore } from "../ui/use-store.js";
import type { HelperSession } from "./helper-session.js";

type DeviceRow = DeviceView & { ownerId: string; ownerName: string | null; lastSeenAt: number | null };

/** Start here: a session for anyone with a code, or for one of the organisation's enrolled devices. */
export function HomePage({ me, helper }: { me: Me; helper: HelperSession }) {
  const { t } = useTranslation();
  const { phase, error } = useStore(helper.store);
  const canHelp = me.permissions.includes("session.view");
  return (
    <main className="page home">
      <section className="card">
        <h1>{t("home.newSessionTitle")}</h1>
        <p>{t("home.newSessionExplanation")}</p>
        <button type="button" className="primary big" disabled={!canHelp || phase === "creating"} onClick={() => void helper.create()} data-testid="new-session">
          {t("home.newSession")}
        </button>
        {!canHelp && <p className="notice">{t("home.noHelpPermission")}</p>}
        <ErrorText error={error} />
      </section>
      {me.permissions.includes("devices.read") && <DeviceList onHelp={canHelp ? (id) => void helper.create(id) : null} />}
    </main>
  );
}

function DeviceList({ onHelp }: { onHelp: ((deviceId: string) => void) | null }) {
  const { t, i18n } = useTranslation();
  const [devices, setDevices] = useState<DeviceRow[] | null>(null);
  const [query, setQuery] = useState("");
  const [failed, setFailed] = useState<string | null>(null);
  useEffect(() => {
    api<DeviceRow[]>("/api/devices").then(setDevices, (e: Error) => setFailed(e.message));
  }, []);
  const q = query.trim().toLowerCase();
  const shown = (devices ?? []).filter((d) => !q || [d.name, d.ownerName ?? "", d.ownerId, d.platform, d.osVersion].some((f) => f.toLowerCase().includes(q)));
  return (
    <section className="card" aria-labelledby="devices-title">
      <h2 id="devices-title">{t("home.devicesTitle")}</h2>
      <input type="search" className="search" placeholder={t("home.searchDevices")} aria-label={t("home.searchDevices")} value={query} onChange={(e) => setQuery(e.target.value)} data-testid="device-search" />
      {failed && <p className="error">{failed}</p>}
      {devices && shown.length === 0 && <p>{t("home.noDevices")}</p>}
      <ul className="devices">
        {shown.map((d) => (
          <li key={d.deviceId} data-testid="device">
            <div>
              <strong dir="auto">{d.name}</strong> <span className="muted" dir="auto" title={d.ownerId}>{d.ownerName ?? d.ownerId}</span>
              <div className="muted">
                {t(`platform.${d.platform}`)} {d.osVersion} · Tandem {d.appVersion}
                {d.lastSeenAt && ` · ${t("home.lastSeen", { when: new Date(d.lastSeenAt).toLocaleString(i18n.language) })}`}
              </div>
            </div>
            <span className={`badge ${d.enrolled ? "ok" : "warn"}`}>{d.enrolled ? t("device.enrolled") : t("device.unenrolled")}</span>
            <span className={`badge ${d.compliant ? "ok" : "bad"}`} title={d.reasons.join("; ")}>{d.compliant ? t("device.compliant") : t("device.notCompliant")}</span>
            {onHelp && (
              <button type="button" onClick={() => onHelp(d.deviceId)}>
                {t("home.helpDevice")}
              </button>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
