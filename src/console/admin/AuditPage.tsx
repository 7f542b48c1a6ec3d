import { type FormEvent, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { api } from "../../web-client/api.js";
import { useApi } from "../../ui/use-api.js";

type Problem = "edited" | "missing_before" | "out_of_order" | "truncated" | "rewritten";
interface ChainReport { rows: number; ok: boolean; problems: { seq: number; problem: Problem }[]; checkpoint: { seq: number; at: number } | null; forgedCheckpoints: number }
interface AuditRow { id: number; sessionId: string | null; actorId: string | null; actorName: string | null; action: string; detail: Record<string, unknown>; at: number }
interface AuditPage { events: AuditRow[]; next: string | null }

const PAGE = 50;
/** The actions an admin most often looks for; the log holds others too. */
const ACTION_FILTERS = ["access.refused", "session.code_rejected", "sign_in.locked", "session.created", "session.consent_given", "settings.changed", "role.saved", "device.registered", "retention.pruned", "file.offered", "clipboard.sent", "clipboard.requested", "session.tool_off"];

/** Whether the audit log holds together, and its events newest first, filtered, a page at a time. */
export function AuditPage() {
  const { t, i18n } = useTranslation();
  const report = useApi<ChainReport>("/api/audit/verify");
  const [filters, setFilters] = useState({ action: "", actor: "", sessionId: "" });
  const [query, setQuery] = useState("");
  const [rows, setRows] = useState<AuditRow[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = (before: string | null) => {
    const q = new URLSearchParams(query);
    q.set("limit", String(PAGE));
    if (before) q.set("before", before);
    api<AuditPage>(`/api/audit?${q}`).then(
      (page) => {
        setRows((shown) => (before ? [...shown, ...page.events] : page.events));
        setNext(page.next);
      },
      (e: Error) => setError(e.message),
    );
  };
  useEffect(() => {
    setError(null);
    load(null);
  }, [query]); // a new filter starts from the newest again

  function apply(e: FormEvent) {
    e.preventDefault();
    const q = new URLSearchParams();
    // A filter on an action finds its summaries too (repeats counted in one row).
    if (filters.action) q.set("action", `${filters.action},${filters.action}.repeated`);
    if (filters.actor.trim()) q.set("actor", filters.actor.trim());
    if (filters.sessionId.trim()) q.set("sessionId", filters.sessionId.trim());
    setQuery(q.toString());
  }

  return (
    <main className="page">
      <h1>{t("audit.title")}</h1>
      {report.data && <ChainStatus report={report.data} />}
      {(report.error || error) && <p className="error">{report.error ?? error}</p>}
      <form className="card form inline" onSubmit={apply} data-testid="audit-filters">
        <label><span>{t("audit.action")}</span>
          <select value={filters.action} onChange={(e) => setFilters({ ...filters, action: e.target.value })} data-testid="audit-filter-action">
            <option value="">{t("reports.any")}</option>
            {ACTION_FILTERS.map((a) => <option key={a} value={a}>{a}</option>)}
          </select>
        </label>
        <label><span>{t("audit.actorId")}</span><input value={filters.actor} onChange={(e) => setFilters({ ...filters, actor: e.target.value })} data-testid="audit-filter-actor" /></label>
        <label><span>{t("audit.sessionId")}</span><input value={filters.sessionId} onChange={(e) => setFilters({ ...filters, sessionId: e.target.value })} /></label>
        <button type="submit" className="primary">{t("reports.apply")}</button>
      </form>
      <table className="table">
        <thead><tr><th>{t("history.when")}</th><th>{t("audit.action")}</th><th>{t("audit.actor")}</th><th>{t("audit.session")}</th><th>{t("audit.detail")}</th></tr></thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.id} data-testid="audit-row">
              <td>{new Date(r.at).toLocaleString(i18n.language)}</td>
              <td>
                <code>{r.action}</code>
                {r.action.endsWith(".repeated") && <div className="muted">{t("audit.repeated", { count: Number(r.detail.count) })}</div>}
              </td>
              <td dir="auto"><Actor row={r} /></td>
              <td><code>{r.sessionId?.slice(0, 8) ?? "–"}</code></td>
              <td><AuditDetail detail={r.detail} /></td>
            </tr>
          ))}
        </tbody>
      </table>
      {rows.length === 0 && !error && <p className="muted">{t("audit.none")}</p>}
      {next && <button type="button" onClick={() => load(next)} data-testid="audit-older">{t("audit.older")}</button>}
    </main>
  );
}

/** Who acted, by name, with the id on hover; an event with no person is the broker's own doing. */
function Actor({ row }: { row: AuditRow }) {
  const { t } = useTranslation();
  if (row.actorId === null) return <span className="muted" data-testid="audit-actor">{t("audit.byTandem")}</span>;
  return <span title={row.actorId} data-testid="audit-actor">{row.actorName ?? row.actorId}</span>;
}

/** A row's detail in a line a person can scan, with the full record behind a disclosure (no table wider than the page). */
function AuditDetail({ detail }: { detail: Record<string, unknown> }) {
  const entries = Object.entries(detail);
  if (entries.length === 0) return <span className="muted">–</span>;
  const shown = (v: unknown) => (typeof v === "string" ? v : JSON.stringify(v));
  const summary = entries.slice(0, 3).map(([k, v]) => `${k}: ${shown(v).slice(0, 60)}`).join(" · ");
  return (
    <details className="audit-detail">
      <summary dir="auto">{summary}{entries.length > 3 ? " …" : ""}</summary>
      <pre dir="ltr">{JSON.stringify(detail, null, 2)}</pre>
    </details>
  );
}

function ChainStatus({ report }: { report: ChainReport }) {
  const { t, i18n } = useTranslation();
  const first = report.problems[0];
  return (
    <div className={`banner ${report.ok ? "ok" : "bad"}`} role="status" data-testid="audit-status">
      <p>{report.ok ? t("audit.intact", { count: report.rows }) : first ? t("audit.broken", { count: report.problems.length, first: first.seq }) : t("audit.forged", { count: report.forgedCheckpoints })}</p>
      {first && <p data-testid="audit-problem">{t(`audit.problem_${first.problem}`, { seq: first.seq })}</p>}
      {report.checkpoint && <p className="muted">{t("audit.checkpoint", { seq: report.checkpoint.seq, when: new Date(report.checkpoint.at).toLocaleString(i18n.language) })}</p>}
    </div>
  );
}
