import type { FastifyInstance, FastifyReply } from "fastify";
import { z } from "zod";
import { AccessPolicy, BUILT_IN_ROLES, Role, RoleAssignment, TenantSettings } from "../../protocol/index.js";
import { sendError } from "../auth/auth-routes.js";
import type { DeviceService } from "../devices/device-service.js";
import { validCidr } from "../policy/access-policy.js";
import { ComplianceRules } from "../policy/compliance.js";
import type { TenantConfig } from "../policy/tenant-config.js";
import type { Store } from "../store/store.js";
import type { ApiGuard } from "./api-caller.js";

/**
 * The admin HTTP API: settings, roles, assignments, access policies,
 * compliance rules, devices and enrollment tokens of the caller's own tenant.
 * Bodies are parsed strictly; every change is audited with before and after.
 */
const Id = z.object({ id: z.string().min(1).max(64).regex(/^[\w.-]+$/) });

export function registerAdminRoutes(app: FastifyInstance, o: { guard: ApiGuard; tenants: TenantConfig; devices: DeviceService; store: Store }) {
  const { guard, tenants } = o;

  app.get("/api/me/permissions", async (request, reply) => {
    const caller = await guard(request, reply, null);
    if (caller) return { tenantId: caller.identity.tenantId, permissions: [...caller.permissions].sort() };
  });

  app.get("/api/settings", async (request, reply) => {
    const caller = await guard(request, reply, "settings.manage");
    if (caller) return (await tenants.snapshot(caller.identity.tenantId)).settings;
  });

  app.put("/api/settings", async (request, reply) => {
    const caller = await guard(request, reply, "settings.manage");
    const body = caller && parse(reply, TenantSettings.strict(), request.body);
    if (!caller || !body) return reply;
    await tenants.setSettings(caller.identity.tenantId, body, caller.identity.userId);
    return body;
  });

  app.get("/api/roles", async (request, reply) => {
    const caller = await guard(request, reply, "roles.manage");
    if (caller) return (await tenants.snapshot(caller.identity.tenantId)).roles;
  });

  app.put("/api/roles/:id", async (request, reply) => {
    const caller = await guard(request, reply, "roles.manage");
    const params = caller && parse(reply, Id, request.params);
    const role = params && parse(reply, Role.strict(), request.body);
    if (!caller || !params || !role) return reply;
    if (role.id !== params.id) return sendError(reply, 400, "bad_message", "the role's id must match the URL");
    if (role.builtIn || BUILT_IN_ROLES.some((r) => r.id === role.id)) return sendError(reply, 409, "conflict", "built-in roles cannot be changed; make a custom role");
    await tenants.putRole(caller.identity.tenantId, role, caller.identity.userId);
    return role;
  });

  app.delete("/api/roles/:id", async (request, reply) => {
    const caller = await guard(request, reply, "roles.manage");
    const params = caller && parse(reply, Id, request.params);
    if (!caller || !params) return reply;
    if (BUILT_IN_ROLES.some((r) => r.id === params.id)) return sendError(reply, 409, "conflict", "built-in roles cannot be deleted");
    const { assignments } = await tenants.snapshot(caller.identity.tenantId);
    if (assignments.some((a) => a.roleId === params.id)) return sendError(reply, 409, "conflict", "the role is still assigned; remove its assignments first");
    const { changed } = await tenants.removeRole(caller.identity.tenantId, params.id, caller.identity.userId);
    return changed ? reply.status(204).send() : sendError(reply, 404, "not_found", "no such role");
  });

  app.get("/api/assignments", async (request, reply) => {
    const caller = await guard(request, reply, "roles.manage");
    if (caller) return (await tenants.snapshot(caller.identity.tenantId)).assignments;
  });

  app.put("/api/assignments/:id", async (request, reply) => {
    const caller = await guard(request, reply, "roles.manage");
    const params = caller && parse(reply, Id, request.params);
    const assignment = params && parse(reply, RoleAssignment.strict(), request.body);
    if (!caller || !params || !assignment) return reply;
    if (assignment.id !== params.id) return sendError(reply, 400, "bad_message", "the assignment's id must match the URL");
    const { roles } = await tenants.snapshot(caller.identity.tenantId);
    if (!roles.some((r) => r.id === assignment.roleId)) return sendError(reply, 400, "bad_message", `no role ${assignment.roleId}`);
    await tenants.putAssignment(caller.identity.tenantId, assignment, caller.identity.userId);
    return assignment;
  });

  app.delete("/api/assignments/:id", async (request, reply) => {
    const caller = await guard(request, reply, "roles.manage");
    const params = caller && parse(reply, Id, request.params);
    if (!caller || !params) return reply;
    const { changed } = await tenants.removeAssignment(caller.identity.tenantId, params.id, caller.identity.userId);
    return changed ? reply.status(204).send() : sendError(reply, 404, "not_found", "no such assignment");
  });

  app.get("/api/access-policies", async (request, reply) => {
    const caller = await guard(request, reply, "settings.manage");
    if (caller) return (await tenants.snapshot(caller.identity.tenantId)).policies;
  });

  app.put("/api/access-policies/:id", async (request, reply) => {
    const caller = await guard(request, reply, "settings.manage");
    const params = caller && parse(reply, Id, request.params);
    const policy = params && parse(reply, AccessPolicy.strict(), request.body);
    if (!caller || !params || !policy) return reply;
    if (policy.id !== params.id) return sendError(reply, 400, "bad_message", "the policy's id must match the URL");
    const bad = policy.conditions.addressRanges.find((r) => !validCidr(r));
    if (bad) return sendError(reply, 400, "bad_message", `not an address range: ${bad}`);
    await tenants.putPolicy(caller.identity.tenantId, policy, caller.identity.userId);
    return policy;
  });

  app.delete("/api/access-policies/:id", async (request, reply) => {
    const caller = await guard(request, reply, "settings.manage");
    const params = caller && parse(reply, Id, request.params);
    if (!caller || !params) return reply;
    const { changed } = await tenants.removePolicy(caller.identity.tenantId, params.id, caller.identity.userId);
    return changed ? reply.status(204).send() : sendError(reply, 404, "not_found", "no such policy");
  });

  app.get("/api/compliance-rules", async (request, reply) => {
    const caller = await guard(request, reply, "devices.read");
    if (caller) return (await tenants.snapshot(caller.identity.tenantId)).compliance;
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
    const devices = await o.store.devices.list(caller.identity.tenantId);
    return Promise.all(devices.map(async (d) => ({ ...(await o.devices.view(d)), ownerId: d.ownerId, groups: d.groups, registeredAt: d.registeredAt, lastSeenAt: d.lastSeenAt })));
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
