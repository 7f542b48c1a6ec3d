import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { EndReason } from "../../protocol/index.js";
import { useApi } from "../../ui/use-api.js";
import { SessionTable, type SessionRow } from "../HistoryPage.js";

/** Session reports for the organisation, filtered, with a CSV export of exactly what is shown. */
export function ReportsPage() {
  const { t } = useTranslation();
  const [filters, setFilters] = useState({ from: "", to: "", helper: "", sharer: "", endReason: "" });
  const [query, setQuery] = useState("");
  const { data, error } = useApi<SessionRow[]>(`/api/reports/sessions${query}`);

  function apply(e: FormEvent) {
    e.preventDefault();
    const q = new URLSearchParams();
    if (filters.from) q.set("from", String(new Date(filters.from).getTime()));
    if (filters.to) q.set("to", String(new Date(filters.to).getTime() + 86_400_000));
    if (filters.helper) q.set("helper", filters.helper);
    if (filters.sharer) q.set("sharer", filters.sharer);
    if (filters.endReason) q.set("endReason", filters.endReason);
    setQuery(q.size ? `?${q}` : "");
  }
  const csvHref = `/api/reports/sessions?${new URLSearchParams([...new URLSearchParams(query.slice(1)), ["format", "csv"]])}`;

  return (
    <main className="page">
      <h1>{t("reports.title")}</h1>
      <form className="card form inline" onSubmit={apply} data-testid="report-filters">
        <label><span>{t("reports.from")}</span><input type="date" value={filters.from} onChange={(e) => setFilters({ ...filters, from: e.target.value })} /></label>
        <label><span>{t("reports.to")}</span><input type="date" value={filters.to} onChange={(e) => setFilters({ ...filters, to: e.target.value })} /></label>
        <label><span>{t("reports.helperId")}</span><input value={filters.helper} onChange={(e) => setFilters({ ...filters, helper: e.target.value })} /></label>
        <label><span>{t("reports.sharerId")}</span><input value={filters.sharer} onChange={(e) => setFilters({ ...filters, sharer: e.target.value })} /></label>
        <label><span>{t("history.outcome")}</span>
          <select value={filters.endReason} onChange={(e) => setFilters({ ...filters, endReason: e.target.value })}>
            <option value="">{t("reports.any")}</option>
            {EndReason.options.map((r) => <option key={r} value={r}>{t(`endShort.${r}`)}</option>)}
          </select>
        </label>
        <button type="submit" className="primary">{t("reports.apply")}</button>
        <a className="button" href={csvHref} download data-testid="export-csv">{t("reports.exportCsv")}</a>
      </form>
      {error && <p className="error">{error}</p>}
      {data && <SessionTable rows={data} />}
    </main>
  );
}
