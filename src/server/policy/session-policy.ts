import { type Level, type Permission, type TenantSettings, Tool, type ToolUse, toolOf } from "../../protocol/index.js";
import type { Clock } from "../clock.js";
import type { RefusalAudit } from "../audit/refusal-summaries.js";
import type { Identity } from "../identity/identity.js";
import { ProtocolError } from "../protocol-error.js";
import type { DeviceRecord, SessionRecord, SharerTarget, Store } from "../store/store.js";
import { type AccessStage, evaluateAccess } from "./access-policy.js";
import { permissionsFor } from "./rbac.js";
import type { TenantConfig } from "./tenant-config.js";

/**
 * Every policy decision the broker makes about a person acting on a session,
 * in one place: tenant settings, RBAC (scoped to the sharer), the unenrolled
 * device rule and conditional access. Refusals are typed errors and audited.
 */
export type SessionPolicy = ReturnType<typeof createSessionPolicy>;

const TOOL_PERMISSION: Record<Tool, Permission> = { annotate: "session.annotate", clipboard: "session.clipboard", files: "session.files" };
const TOOL_WORDS: Record<Tool, string> = { annotate: "drawing on the screen", clipboard: "the clipboard", files: "sending files" };

function toolEnabled(settings: TenantSettings, tool: Tool): boolean {
  return { annotate: settings.annotationEnabled, clipboard: settings.clipboardEnabled, files: settings.fileTransferEnabled }[tool];
}

export function createSessionPolicy(o: { tenants: TenantConfig; store: Store; clock: Clock; refusals?: RefusalAudit }) {
  const auditRefusal = o.refusals?.append ?? o.store.appendAudit;
  async function refuse(identity: Identity, code: "forbidden" | "policy_blocked", message: string, detail: Record<string, unknown>): Promise<never> {
    await auditRefusal({ tenantId: identity.tenantId, sessionId: (detail.sessionId as string) ?? null, actorId: identity.userId, action: "access.refused", detail: { code, message, ...detail }, at: o.clock.now() });
    throw new ProtocolError(code, message);
  }

  async function conditionalAccess(identity: Identity, stage: AccessStage, address: string, sessionId?: string) {
    const { policies } = await o.tenants.snapshot(identity.tenantId);
    const refusal = evaluateAccess(policies, { stage, userId: identity.userId, groups: identity.groups, amr: identity.amr, address });
    if (refusal) await refuse(identity, "policy_blocked", refusal.reason, { stage, policy: refusal.policy.id, address, sessionId });
  }

  async function permissions(identity: Identity, target?: SharerTarget): Promise<Set<Permission>> {
    const { roles, assignments } = await o.tenants.snapshot(identity.tenantId);
    return permissionsFor(identity, roles, assignments, target ? { groups: target.groups } : undefined);
  }

  return {
    permissions,

    /** On every authenticated connection (desktop token or console cookie). */
    signIn: (identity: Identity, address: string) => conditionalAccess(identity, "sign_in", address),

    /**
     * Creating a session: remote help on, a helping role, access policy. For a
     * session bound to a device, the role must let the helper help that device
     * (a scoped role covers only devices in its groups). Returns the tenant's timings.
     */
    async create(identity: Identity, address: string, device: DeviceRecord | null = null): Promise<{ codeTtlMs: number }> {
      const { settings } = await o.tenants.snapshot(identity.tenantId);
      if (!settings.remoteHelpEnabled) await refuse(identity, "policy_blocked", "remote help is turned off for this organisation", { action: "session.create" });
      const granted = await permissions(identity);
      if (!granted.has("session.view") && !granted.has("session.control")) await refuse(identity, "forbidden", "you have no role that lets you help people", { action: "session.create" });
      if (device) {
        const forDevice = await permissions(identity, { groups: device.groups, device: null });
        if (!forDevice.has("session.view") && !forDevice.has("session.control")) await refuse(identity, "forbidden", "your role does not let you help this device", { action: "session.create", deviceId: device.id });
      }
      await conditionalAccess(identity, "session_create", address);
      return { codeTtlMs: settings.codeLifetimeSeconds * 1000 };
    },

    /**
     * A sharer redeeming a code: an unenrolled device (or the web page) is turned
     * away at once when the tenant does not allow helping those, so the sharer
     * hears it, and the code stays valid for the desktop app.
     */
    async join(identity: Identity, target: SharerTarget): Promise<void> {
      const { settings } = await o.tenants.snapshot(identity.tenantId);
      if (!target.device?.enrolled && !settings.allowUnenrolledDevices) {
        await refuse(identity, "policy_blocked", "your organisation helps only enrolled devices: use the Tandem app on a managed device", { action: "session.join" });
      }
    },

    /** Asking the sharer for a level: the level's permission for this sharer, the device rule, access policy. Returns the tools the role and tenant allow. */
    async requestLevel(identity: Identity, sessionId: string, level: Level, target: SharerTarget, address: string): Promise<Tool[]> {
      const { settings } = await o.tenants.snapshot(identity.tenantId);
      const granted = await permissions(identity, target);
      const needed: Permission = level === "control" ? "session.control" : "session.view";
      if (!granted.has(needed)) await refuse(identity, "forbidden", `your role does not allow ${level === "control" ? "full control" : "viewing the screen"} for this person`, { sessionId, level, needed });
      if (!target.device?.enrolled) {
        if (!settings.allowUnenrolledDevices) await refuse(identity, "policy_blocked", "this device is not enrolled, and your organisation does not allow helping unenrolled devices", { sessionId, level });
        if (!granted.has("session.unenrolled")) await refuse(identity, "forbidden", "this device is not enrolled, and your role does not allow helping unenrolled devices", { sessionId, level });
      }
      await conditionalAccess(identity, "level_request", address, sessionId);
      return Tool.options.filter((tool) => granted.has(TOOL_PERMISSION[tool]) && toolEnabled(settings, tool));
    },

    /**
     * A use of the clipboard or a file offer, checked at the moment it is made: the session allows the tool (role and
     * tenant when the level was asked, not turned off by the sharer), the tenant still allows it now, and a file fits
     * its size cap. Refusals are audited like any other.
     */
    async toolUse(identity: Identity, record: SessionRecord, use: ToolUse): Promise<void> {
      const tool = toolOf(use.kind);
      const detail = { sessionId: record.id, tool, kind: use.kind };
      const { settings } = await o.tenants.snapshot(record.tenantId);
      if (!toolEnabled(settings, tool)) await refuse(identity, "policy_blocked", `${TOOL_WORDS[tool]} is turned off by your organisation`, detail);
      if (!record.tools.includes(tool)) await refuse(identity, "forbidden", `the helper's role does not allow ${TOOL_WORDS[tool]}`, detail);
      if (record.toolsOff.includes(tool)) await refuse(identity, "forbidden", `the person being helped turned ${TOOL_WORDS[tool]} off`, detail);
      if (use.kind === "file.offer" && use.size > settings.maxFileMegabytes * 1024 * 1024) {
        await refuse(identity, "policy_blocked", `files may be at most ${settings.maxFileMegabytes} MB in your organisation`, { ...detail, size: use.size });
      }
    },

    async relayOnlyForSharers(tenantId: string): Promise<boolean> {
      return (await o.tenants.snapshot(tenantId)).settings.relayOnlyForSharers;
    },

    async chatEnabled(tenantId: string): Promise<boolean> {
      return (await o.tenants.snapshot(tenantId)).settings.chatEnabled;
    },

    async graceMs(tenantId: string): Promise<number> {
      return (await o.tenants.snapshot(tenantId)).settings.reconnectGraceSeconds * 1000;
    },
  };
}
