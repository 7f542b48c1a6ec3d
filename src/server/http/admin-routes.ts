import type { FastifyInstance, FastifyReply } from "fastify";
import { z } from "zod";
import { AccessPolicy, BUILT_IN_ROLES, type Permission, Role, RoleAssignment, TenantSettings, ENTRA_GROUP_ID } from "../../protocol/index.js";
import { sendError } from "./typed-errors.js";
import type { DeviceService } from "../devices/device-service.js";
import { validCidr } from "../policy/access-policy.js";
import { ComplianceRules } from "../policy/compliance.js";
import type { TenantConfig, TenantSnapshot } from "../policy/tenant-config.js";
import type { ApiCaller, ApiGuard } from "./api-caller.js";
import type { GroupNames } from "../identity/graph-profiles.js";

/** Up to 50 group object ids, comma-separated. */
const GroupNamesQuery = z
  .object({
    ids: z
      .string()
      .max(50 * 37)
      .transform((text) => text.split(",").filter(Boolean))
      .pipe(z.array(z.string().regex(ENTRA_GROUP_ID, "not a group object id")).min(1).max(50)),
  })
  .strict();

/**
 * The admin HTTP API: settings, roles, assignments, access policies,
 * compliance rules, devices and enrollment tokens of the caller's own tenant.
 * Bodies are parsed strictly; every change is audited with before and after.
 */
const Id = z.object({ id: z.string().min(1).max(64).regex(/^[\w.-]+$/) });

/** A document addressed by id (a role, an assignment, a policy): GET the list, PUT one, DELETE one. */
interface DocumentRoutes<T extends { id: string }> {
  path: string;
  label: string;
  permission: Permission;
  schema: z.ZodType<T>;
  list(snapshot: TenantSnapshot): T[];
  /** A refusal message (sent as 400/409) or null when the change may go ahead. */
  check?(item: T, snapshot: TenantSnapshot): { status: 400 | 409; message: string } | null;
  checkDelete?(id: string, snapshot: TenantSnapshot): string | null;
  put(tenantId: string, item: T, actorId: string): Promise<unknown>;
  remove(tenantId: string, id: string, actorId: string): Promise<{ changed: boolean }>;
}

export function registerAdminRoutes(app: FastifyInstance, o: { guard: ApiGuard; tenants: TenantConfig; devices: DeviceService; groupNames?: GroupNames }) {
  const { guard, tenants } = o;
  const snapshotOf = (caller: ApiCaller) => tenants.snapshot(caller.identity.tenantId);

  function documentRoutes<T extends { id: string }>(d: DocumentRoutes<T>) {
    app.get(d.path, async (request, reply) => {
      const caller = await guard(request, reply, d.permission);
      if (caller) return d.list(await snapshotOf(caller));
    });
    app.put(`${d.path}/:id`, async (request, reply) => {
      const caller = await guard(request, reply, d.permission);
      const params = caller && parse(reply, Id, request.params);
      const item = params && parse(reply, d.schema, request.body);
      if (!caller || !params || !item) return reply;
      if (item.id !== params.id) return sendError(reply, 400, "bad_message", `the ${d.label}'s id must match the URL`);
      const refusal = d.check?.(item, await snapshotOf(caller));
      if (refusal) return sendError(reply, refusal.status, refusal.status === 409 ? "conflict" : "bad_message", refusal.message);
      await d.put(caller.identity.tenantId, item, caller.identity.userId);
      return item;
    });
    app.delete(`${d.path}/:id`, async (request, reply) => {
      const caller = await guard(request, reply, d.permission);
      const params = caller && parse(reply, Id, request.params);
      if (!caller || !params) return reply;
      const conflict = d.checkDelete?.(params.id, await snapshotOf(caller));
      if (conflict) return sendError(reply, 409, "conflict", conflict);
      const { changed } = await d.remove(caller.identity.tenantId, params.id, caller.identity.userId);
      return changed ? reply.status(204).send() : sendError(reply, 404, "not_found", `no such ${d.label}`);
    });
  }

  app.get("/api/me/permissions", async (request, reply) => {
    const caller = await guard(request, reply, null);
    if (!caller) return reply;
    const { settings } = await snapshotOf(caller);
    // What the pages need to show the right controls; the broker still checks every action.
    return { tenantId: caller.identity.tenantId, permissions: [...caller.permissions].sort(), chatEnabled: settings.chatEnabled, allowUnenrolledDevices: settings.allowUnenrolledDevices };
  });

  app.get("/api/settings", async (request, reply) => {
    const caller = await guard(request, reply, "settings.manage");
    if (caller) return (await snapshotOf(caller)).settings;
  });

  app.put("/api/settings", async (request, reply) => {
    const caller = await guard(request, reply, "settings.manage");
    const body = caller && parse(reply, TenantSettings.strict(), request.body);
    if (!caller || !body) return reply;
    await tenants.setSettings(caller.identity.tenantId, body, caller.identity.userId);
    return body;
  });

  const builtIn = (id: string) => BUILT_IN_ROLES.some((r) => r.id === id);
  documentRoutes({
    path: "/api/roles",
    label: "role",
    permission: "roles.manage",
    schema: Role.strict(),
    list: (s) => s.roles,
    check: (role) => (role.builtIn || builtIn(role.id) ? { status: 409, message: "built-in roles cannot be changed; make a custom role" } : null),
    checkDelete: (id, s) =>
      builtIn(id) ? "built-in roles cannot be deleted" : s.assignments.some((a) => a.roleId === id) ? "the role is still assigned; remove its assignments first" : null,
    put: tenants.putRole,
    remove: tenants.removeRole,
  });

  documentRoutes({
    path: "/api/assignments",
    label: "assignment",
    permission: "roles.manage",
    schema: RoleAssignment.strict(),
    list: (s) => s.assignments,
    check: (a, s) => (s.roles.some((r) => r.id === a.roleId) ? null : { status: 400, message: `no role ${a.roleId}` }),
    put: tenants.putAssignment,
    remove: tenants.removeAssignment,
  });

  documentRoutes({
    path: "/api/access-policies",
    label: "policy",
    permission: "settings.manage",
    schema: AccessPolicy.strict(),
    list: (s) => s.policies,
    check: (p) => {
      const bad = p.conditions.addressRanges.find((r) => !validCidr(r));
      return bad ? { status: 400, message: `not an address range: ${bad}` } : null;
    },
    put: tenants.putPolicy,
    remove: tenants.removePolicy,
  });

  app.get("/api/compliance-rules", async (request, reply) => {
    const caller = await guard(request, reply, "devices.read");
    if (caller) return (await snapshotOf(caller)).compliance;
  });

  app.put("/api/compliance-rules", async (request, reply) => {
    const caller = await guard(request, reply, "settings.manage");
    const rules = caller && parse(reply, ComplianceRules.strict(), request.body);
    if (!caller || !rules) return reply;
    await tenants.setCompliance(caller.identity.tenantId, rules, caller.identity.userId);
    return rules;
  });

  app.get("/api/devices", async (request, reply) => {
    const caller = await guard(request, reply, "devices.read");
    if (!caller) return reply;
    return o.devices.listForAdmin(caller.identity);
  });

  /** Names of Entra group ids for the Roles page (Graph, with Entra sign-in); an empty map otherwise. */
  app.get("/api/group-names", async (request, reply) => {
    const caller = await guard(request, reply, "roles.manage");
    const q = caller && parse(reply, GroupNamesQuery, request.query);
    if (!caller || !q) return reply;
    return { names: o.groupNames ? await o.groupNames(caller.identity.tenantId, q.ids) : {} };
  });

  app.post("/api/enrollment-token", async (request, reply) => {
    const caller = await guard(request, reply, "settings.manage");
    if (caller) return { token: await o.devices.newEnrollmentToken(caller.identity.tenantId, caller.identity.userId) };
  });
}

/** Parses with the schema, or sends a typed 400 naming the first problem. */
export function parse<T>(reply: FastifyReply, schema: z.ZodType<T>, value: unknown): T | undefined {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  sendError(reply, 400, "bad_message", `${issue?.path.length ? `${issue.path.join(".")}: ` : ""}${issue?.message ?? "invalid"}`);
  return undefined;
}
