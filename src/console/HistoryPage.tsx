import { useTranslation } from "react-i18next";
import { useApi } from "../ui/use-api.js";

export interface SessionRow {
  sessionId: string;
  helperName: string;
  sharerName: string | null;
  deviceId: string | null;
  deviceEnrolled: boolean;
  level: string | null;
  status: string;
  endReason: string | null;
  createdAt: number;
  durationSeconds: number | null;
}

/** The signed-in helper's own sessions, newest first. */
export function HistoryPage() {
  const { t } = useTranslation();
  const { data, error } = useApi<SessionRow[]>("/api/me/sessions");
  return (
    <main className="page">
      <h1>{t("history.title")}</h1>
      {error && <p className="error">{error}</p>}
      {data && data.length === 0 && <p>{t("history.none")}</p>}
      {data && data.length > 0 && <SessionTable rows={data} />}
    </main>
  );
}

export function SessionTable({ rows }: { rows: SessionRow[] }) {
  const { t, i18n } = useTranslation();
  return (
    <table className="table" data-testid="session-table">
      <thead>
        <tr>
          <th>{t("history.when")}</th>
          <th>{t("history.helper")}</th>
          <th>{t("history.sharer")}</th>
          <th>{t("history.level")}</th>
          <th>{t("history.duration")}</th>
          <th>{t("history.outcome")}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.sessionId} data-testid="session-row">
            <td>{new Date(r.createdAt).toLocaleString(i18n.language)}</td>
            <td dir="auto">{r.helperName}</td>
            <td dir="auto">{r.sharerName ?? "–"}</td>
            <td>{r.level ? t(`level.${r.level}`) : "–"}</td>
            <td>{r.durationSeconds != null ? `${Math.floor(r.durationSeconds / 60)}:${String(r.durationSeconds % 60).padStart(2, "0")}` : "–"}</td>
            <td>{r.endReason ? t(`endShort.${r.endReason}`) : t(`status.${r.status}`)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
