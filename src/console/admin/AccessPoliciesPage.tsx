import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import type { AccessPolicy } from "../../protocol/index.js";
import { api } from "../../web-client/api.js";
import { useApi } from "../../ui/use-api.js";

const APPLIES = ["sign_in", "session_create", "level_request"] as const;
const list = (s: string) => s.split(",").map((x) => x.trim()).filter(Boolean);

/** Conditional access: block, or require MFA, for some people, groups or networks. */
export function AccessPoliciesPage() {
  const { t } = useTranslation();
  const policies = useApi<AccessPolicy[]>("/api/access-policies");
  const [error, setError] = useState<string | null>(null);
  const [draft, setDraft] = useState({ name: "", users: "", groups: "", ranges: "", control: "require_mfa" as AccessPolicy["control"], appliesTo: ["session_create"] as AccessPolicy["appliesTo"] });
  const act = (p: Promise<unknown>) => p.then(() => (policies.reload(), setError(null)), (e: Error) => setError(e.message));

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const id = draft.name.toLowerCase().replace(/[^\w.-]+/g, "-").slice(0, 64) || `policy-${Date.now()}`;
    const policy: AccessPolicy = { id, name: draft.name, enabled: true, conditions: { users: list(draft.users), groups: list(draft.groups), addressRanges: list(draft.ranges) }, control: draft.control, appliesTo: draft.appliesTo };
    act(api(`/api/access-policies/${id}`, { method: "PUT", body: policy }));
  };

  return (
    <main className="page">
      <h1>{t("access.title")}</h1>
      {error && <p className="error" role="alert">{error}</p>}
      <table className="table">
        <thead><tr><th>{t("access.name")}</th><th>{t("access.who")}</th><th>{t("access.where")}</th><th>{t("access.control")}</th><th>{t("access.appliesTo")}</th><th /></tr></thead>
        <tbody>
          {policies.data?.map((p) => (
            <tr key={p.id}>
              <td dir="auto">{p.name} {!p.enabled && <span className="badge">{t("access.disabled")}</span>}</td>
              <td>{[...p.conditions.users, ...p.conditions.groups].join(", ") || t("roles.everyone")}</td>
              <td>{p.conditions.addressRanges.join(", ") || t("access.anywhere")}</td>
              <td>{t(`access.${p.control}`)}</td>
              <td>{p.appliesTo.map((a) => t(`access.${a}`)).join(", ")}</td>
              <td>
                <button type="button" onClick={() => act(api(`/api/access-policies/${p.id}`, { method: "PUT", body: { ...p, enabled: !p.enabled } }))}>{p.enabled ? t("access.disable") : t("access.enable")}</button>
                <button type="button" className="danger" onClick={() => act(api(`/api/access-policies/${p.id}`, { method: "DELETE" }))}>{t("common.delete")}</button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {policies.data?.length === 0 && <p className="empty" data-testid="access-empty">{t("access.empty")}</p>}
      <form className="card form" onSubmit={submit}>
        <h2>{t("access.new")}</h2>
        <label><span>{t("access.name")}</span><input required value={draft.name} onChange={(e) => setDraft({ ...draft, name: e.target.value })} /></label>
        <label><span>{t("access.users")}</span><input value={draft.users} onChange={(e) => setDraft({ ...draft, users: e.target.value })} /></label>
        <label><span>{t("access.groups")}</span><input value={draft.groups} onChange={(e) => setDraft({ ...draft, groups: e.target.value })} /></label>
        <label><span>{t("access.ranges")}</span><input value={draft.ranges} placeholder="10.0.0.0/8, 2001:db8::/32" onChange={(e) => setDraft({ ...draft, ranges: e.target.value })} /></label>
        <label><span>{t("access.control")}</span>
          <select value={draft.control} onChange={(e) => setDraft({ ...draft, control: e.target.value as AccessPolicy["control"] })}>
            <option value="require_mfa">{t("access.require_mfa")}</option>
            <option value="block">{t("access.block")}</option>
          </select>
        </label>
        <fieldset>
          {APPLIES.map((a) => (
            <label key={a} className="switch">
              <input type="checkbox" checked={draft.appliesTo.includes(a)} onChange={(e) => setDraft({ ...draft, appliesTo: e.target.checked ? [...draft.appliesTo, a] : draft.appliesTo.filter((x) => x !== a) })} />
              <span>{t(`access.${a}`)}</span>
            </label>
          ))}
        </fieldset>
        <button type="submit" className="primary">{t("common.save")}</button>
      </form>
    </main>
  );
}
