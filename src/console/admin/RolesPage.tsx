import { type FormEvent, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { ENTRA_GROUP_ID, Permission, type Role, type RoleAssignment } from "../../protocol/index.js";
import { api } from "../../web-client/api.js";
import { useApi } from "../../ui/use-api.js";

/** Roles (built-in and custom) and who holds them, optionally scoped to sharer groups. */
export function RolesPage() {
  const { t } = useTranslation();
  const roles = useApi<Role[]>("/api/roles");
  const assignments = useApi<RoleAssignment[]>("/api/assignments");
  const [error, setError] = useState<string | null>(null);
  const groupNames = useGroupNames([...(assignments.data ?? []).flatMap((a) => (a.principal.type === "group" ? [a.principal.id] : [])), ...(assignments.data ?? []).flatMap((a) => a.scopeGroups ?? [])]);
  const group = (id: string) => (groupNames[id] ? <span title={id} data-testid="group-name">{groupNames[id]}</span> : id);
  const act = (p: Promise<unknown>) => p.then(() => (roles.reload(), assignments.reload(), setError(null)), (e: Error) => setError(e.message));

  return (
    <main className="page">
      <h1>{t("roles.title")}</h1>
      {error && <p className="error" role="alert">{error}</p>}
      <table className="table" data-testid="roles">
        <thead>
          <tr><th>{t("roles.role")}</th><th>{t("roles.permissions")}</th><th /></tr>
        </thead>
        <tbody>
          {roles.data?.map((r) => (
            <tr key={r.id}>
              <td dir="auto">{r.name} {r.builtIn && <span className="badge">{t("roles.builtIn")}</span>}</td>
              <td>{r.permissions.map((p) => t(`permission.${p}`)).join(", ")}</td>
              <td>{!r.builtIn && <button type="button" className="danger" onClick={() => act(api(`/api/roles/${r.id}`, { method: "DELETE" }))}>{t("common.delete")}</button>}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <NewRole onSave={(role) => act(api(`/api/roles/${role.id}`, { method: "PUT", body: role }))} />
      <h2>{t("roles.assignments")}</h2>
      <table className="table" data-testid="assignments">
        <thead>
          <tr><th>{t("roles.principal")}</th><th>{t("roles.role")}</th><th>{t("roles.scope")}</th><th /></tr>
        </thead>
        <tbody>
          {assignments.data?.map((a) => (
            <tr key={a.id}>
              <td dir="auto">{t(`roles.principal_${a.principal.type}`)}: {a.principal.type === "group" ? group(a.principal.id) : a.principal.id}</td>
              <td>{roles.data?.find((r) => r.id === a.roleId)?.name ?? a.roleId}</td>
              <td>{a.scopeGroups ? a.scopeGroups.map((g, i) => <span key={g}>{i > 0 && ", "}{group(g)}</span>) : t("roles.everyone")}</td>
              <td><button type="button" className="danger" onClick={() => act(api(`/api/assignments/${a.id}`, { method: "DELETE" }))}>{t("common.delete")}</button></td>
            </tr>
          ))}
        </tbody>
      </table>
      <NewAssignment roles={roles.data ?? []} onSave={(a) => act(api(`/api/assignments/${a.id}`, { method: "PUT", body: a }))} />
    </main>
  );
}

const slug = (s: string) => s.toLowerCase().replace(/[^\w.-]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 64) || `id-${Date.now()}`;

function NewRole({ onSave }: { onSave: (r: Role) => void }) {
  const { t } = useTranslation();
  const [name, setName] = useState("");
  const [permissions, setPermissions] = useState<Permission[]>([]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onSave({ id: slug(name), name, permissions, builtIn: false });
    setName("");
    setPermissions([]);
  };
  return (
    <form className="card form" onSubmit={submit}>
      <h2>{t("roles.newRole")}</h2>
      <label><span>{t("roles.name")}</span><input required value={name} onChange={(e) => setName(e.target.value)} /></label>
      <fieldset>
        {Permission.options.map((p) => (
          <label key={p} className="switch">
            <input type="checkbox" checked={permissions.includes(p)} onChange={(e) => setPermissions(e.target.checked ? [...permissions, p] : permissions.filter((x) => x !== p))} />
            <span>{t(`permission.${p}`)}</span>
          </label>
        ))}
      </fieldset>
      <button type="submit" className="primary">{t("common.save")}</button>
    </form>
  );
}

function NewAssignment({ roles, onSave }: { roles: Role[]; onSave: (a: RoleAssignment) => void }) {
  const { t } = useTranslation();
  const [roleId, setRoleId] = useState("");
  const [type, setType] = useState<"user" | "group">("group");
  const [principal, setPrincipal] = useState("");
  const [scope, setScope] = useState("");
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const scopeGroups = scope.split(",").map((s) => s.trim()).filter(Boolean);
    onSave({ id: slug(`${roleId}-${type}-${principal}`), roleId: roleId || roles[0]?.id || "", principal: { type, id: principal.trim() }, scopeGroups: scopeGroups.length ? scopeGroups : null });
    setPrincipal("");
    setScope("");
  };
  return (
    <form className="card form" onSubmit={submit}>
      <h2>{t("roles.newAssignment")}</h2>
      <label><span>{t("roles.role")}</span>
        <select value={roleId} onChange={(e) => setRoleId(e.target.value)}>{roles.map((r) => <option key={r.id} value={r.id}>{r.name}</option>)}</select>
      </label>
      <label><span>{t("roles.principalType")}</span>
        <select value={type} onChange={(e) => setType(e.target.value as "user" | "group")}>
          <option value="group">{t("roles.principal_group")}</option>
          <option value="user">{t("roles.principal_user")}</option>
        </select>
      </label>
      <label><span>{t("roles.principal")}</span><input required value={principal} onChange={(e) => setPrincipal(e.target.value)} /></label>
      <label><span>{t("roles.scopeHint")}</span><input value={scope} onChange={(e) => setScope(e.target.value)} /></label>
      <button type="submit" className="primary">{t("common.save")}</button>
    </form>
  );
}

/** Entra group object ids in assignments, named by the broker (Microsoft Graph); ids it cannot name stay ids. */
function useGroupNames(ids: string[]): Record<string, string> {
  const wanted = [...new Set(ids.filter((id) => ENTRA_GROUP_ID.test(id)))].sort().slice(0, 50).join(",");
  const [names, setNames] = useState<Record<string, string>>({});
  useEffect(() => {
    if (wanted) api<{ names: Record<string, string> }>(`/api/group-names?ids=${encodeURIComponent(wanted)}`).then((r) => setNames(r.names), () => setNames({}));
  }, [wanted]);
  return names;
}
