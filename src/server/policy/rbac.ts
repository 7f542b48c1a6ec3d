import type { Permission, Role, RoleAssignment } from "../../protocol/index.js";

/**
 * Role-based access: what a person may do, from the roles assigned to them or
 * to a group they are in. An assignment scoped to groups counts only for a
 * sharer in one of those groups; without a sharer yet (creating a session) it
 * counts as "may help someone".
 */
export interface Principal {
  userId: string;
  groups: string[];
}

export interface Target {
  /** The sharer's groups and their device's groups. */
  groups: string[];
}

export function permissionsFor(principal: Principal, roles: readonly Role[], assignments: readonly RoleAssignment[], target?: Target): Set<Permission> {
  const rolesById = new Map(roles.map((r) => [r.id, r]));
  const granted = new Set<Permission>();
  for (const a of assignments) {
    const mine = a.principal.type === "user" ? a.principal.id === principal.userId : principal.groups.includes(a.principal.id);
    if (!mine) continue;
    const inScope = a.scopeGroups === null || !target || a.scopeGroups.some((g) => target.groups.includes(g));
    if (!inScope) continue;
    for (const p of rolesById.get(a.roleId)?.permissions ?? []) granted.add(p);
  }
  return granted;
}

/** The assignments a new tenant starts with, by the group names of the demo directory. */
export const DEFAULT_ASSIGNMENTS: readonly RoleAssignment[] = [
  { id: "default-admins", roleId: "administrator", principal: { type: "group", id: "it-admins" }, scopeGroups: null },
  { id: "default-help-desk", roleId: "help-desk-operator", principal: { type: "group", id: "help-desk" }, scopeGroups: null },
  { id: "default-trainees", roleId: "read-only-helper", principal: { type: "group", id: "help-desk-trainees" }, scopeGroups: null },
  { id: "default-compliance", roleId: "auditor", principal: { type: "group", id: "compliance" }, scopeGroups: null },
];
