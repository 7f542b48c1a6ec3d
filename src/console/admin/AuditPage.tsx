import { useTranslation } from "react-i18next";
import { useApi } from "../../ui/use-api.js";

interface ChainReport { rows: number; ok: boolean; problems: { seq: number; problem: string }[] }
interface AuditRow { id: number; sessionId: string | null; actorId: string | null; action: string; detail: Record<string, unknown>; at: number }

/** Whether the audit log's hash chain is intact, and its latest entries. */
export function AuditPage() {
  const { t, i18n } = useTranslation();
  const report = useApi<ChainReport>("/api/audit/verify");
  const rows = useApi<AuditRow[]>("/api/audit?limit=200");
  return (
    <main className="page">
      <h1>{t("audit.title")}</h1>
      {report.data && (
        <p className={`banner ${report.data.ok ? "ok" : "bad"}`} role="status" data-testid="audit-status">
          {report.data.ok ? t("audit.intact", { count: report.data.rows }) : t("audit.broken", { count: report.data.problems.length, first: report.data.problems[0]?.seq })}
        </p>
      )}
      {(report.error || rows.error) && <p className="error">{report.error ?? rows.error}</p>}
      <table className="table">
        <thead><tr><th>{t("history.when")}</th><th>{t("audit.action")}</th><th>{t("audit.actor")}</th><th>{t("audit.session")}</th><th>{t("audit.detail")}</th></tr></thead>
        <tbody>
          {rows.data?.map((r) => (
            <tr key={r.id}>
              <td>{new Date(r.at).toLocaleString(i18n.language)}</td>
              <td><code>{r.action}</code></td>
              <td dir="auto">{r.actorId ?? "–"}</td>
              <td><code>{r.sessionId?.slice(0, 8) ?? "–"}</code></td>
              <td><code dir="ltr">{JSON.stringify(r.detail)}</code></td>
            </tr>
          ))}
        </tbody>
      </table>
    </main>
  );
}
