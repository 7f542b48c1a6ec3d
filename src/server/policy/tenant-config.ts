import { AccessPolicy, BUILT_IN_ROLES, Role, RoleAssignment, TenantSettings } from "../../protocol/index.js";
import type { Clock } from "../clock.js";
import type { DocumentKind, Store } from "../store/store.js";
import { ComplianceRules } from "./compliance.js";
import { DEFAULT_ASSIGNMENTS } from "./rbac.js";

/**
 * A tenant's configuration as the broker enforces it: settings, roles
 * (built-in and custom), assignments, access policies and compliance rules.
 * A tenant seen for the first time is bootstrapped with defaults (audited).
 * Read through a short cache; every change goes through here, so the cache is
 * dropped at once and the change is audited with its before and after.
 */
export interface TenantSnapshot {
  settings: TenantSettings;
  roles: Role[];
  assignments: RoleAssignment[];
  policies: AccessPolicy[];
  compliance: ComplianceRules;
}

const SETTINGS_ID = "tenant";
const COMPLIANCE_ID = "rules";
const CACHE_MS = 5_000;

export type TenantConfig = ReturnType<typeof createTenantConfig>;

export function createTenantConfig(o: { store: Store; clock: Clock; defaultSettings: (tenantId: string) => TenantSettings }) {
  const cache = new Map<string, { at: number; snapshot: Promise<TenantSnapshot> }>();

  async function load(tenantId: string): Promise<TenantSnapshot> {
    let settingsDoc = await o.store.documents.get(tenantId, "settings", SETTINGS_ID);
    if (!settingsDoc) {
      await bootstrap(tenantId);
      settingsDoc = await o.store.documents.get(tenantId, "settings", SETTINGS_ID);
    }
    const [custom, assignments, policies, compliance] = await Promise.all([
      o.store.documents.list(tenantId, "role"),
      o.store.documents.list(tenantId, "assignment"),
      o.store.documents.list(tenantId, "access_policy"),
      o.store.documents.get(tenantId, "compliance", COMPLIANCE_ID),
    ]);
    return {
      settings: TenantSettings.parse(settingsDoc!.body),
      roles: [...BUILT_IN_ROLES, ...custom.map((d) => Role.parse(d.body))],
      assignments: assignments.map((d) => RoleAssignment.parse(d.body)),
      policies: policies.map((d) => AccessPolicy.parse(d.body)),
      compliance: ComplianceRules.parse(compliance?.body ?? {}),
    };
  }

  async function bootstrap(tenantId: string) {
    const at = o.clock.now();
    const audit = (action: string, detail: Record<string, unknown>) => ({ tenantId, sessionId: null, actorId: null, action, detail, at });
    for (const a of DEFAULT_ASSIGNMENTS) await o.store.documents.put(tenantId, "assignment", a.id, a, audit("assignment.created", { after: a, bootstrap: true }));
    const settings = o.defaultSettings(tenantId);
    await o.store.documents.put(tenantId, "settings", SETTINGS_ID, settings, audit("settings.changed", { after: settings, bootstrap: true }));
  }

  async function change(tenantId: string, kind: DocumentKind, id: string, body: unknown | null, actorId: string, action: string) {
    const before = (await o.store.documents.get(tenantId, kind, id))?.body ?? null;
    const audit = { tenantId, sessionId: null, actorId, action, detail: { kind, id, before, after: body }, at: o.clock.now() };
    const changed = body === null ? await o.store.documents.remove(tenantId, kind, id, audit) : (await o.store.documents.put(tenantId, kind, id, body, audit), true);
    cache.delete(tenantId);
    return { changed, before };
  }

  return {
    snapshot(tenantId: string): Promise<TenantSnapshot> {
      const hit = cache.get(tenantId);
      if (hit && o.clock.now() - hit.at < CACHE_MS) return hit.snapshot;
      const snapshot = load(tenantId);
      cache.set(tenantId, { at: o.clock.now(), snapshot });
      snapshot.catch(() => cache.delete(tenantId));
      return snapshot;
    },
    async setSettings(tenantId: string, settings: TenantSettings, actorId: string) {
      await this.snapshot(tenantId); // bootstrap first, so "before" is real
      return change(tenantId, "settings", SETTINGS_ID, settings, actorId, "settings.changed");
    },
    async setCompliance(tenantId: string, rules: ComplianceRules, actorId: string) {
      return change(tenantId, "compliance", COMPLIANCE_ID, rules, actorId, "compliance.changed");
    },
    putRole: (tenantId: string, role: Role, actorId: string) => change(tenantId, "role", role.id, role, actorId, "role.saved"),
    removeRole: (tenantId: string, id: string, actorId: string) => change(tenantId, "role", id, null, actorId, "role.deleted"),
    putAssignment: (tenantId: string, a: RoleAssignment, actorId: string) => change(tenantId, "assignment", a.id, a, actorId, "assignment.saved"),
    removeAssignment: (tenantId: string, id: string, actorId: string) => change(tenantId, "assignment", id, null, actorId, "assignment.deleted"),
    putPolicy: (tenantId: string, p: AccessPolicy, actorId: string) => change(tenantId, "access_policy", p.id, p, actorId, "access_policy.saved"),
    removePolicy: (tenantId: string, id: string, actorId: string) => change(tenantId, "access_policy", id, null, actorId, "access_policy.deleted"),
  };
}
