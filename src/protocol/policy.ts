import { z } from "zod";

/**
 * Who may do what, and the tenant's own rules: the vocabulary the broker
 * enforces and the admin console edits.
 */
export const Permission = z.enum([
  "session.view", // view a sharer's screen
  "session.control", // take full control
  "session.unenrolled", // help devices that are not enrolled
  "session.annotate", // point and draw on the sharer's screen
  "session.clipboard", // send text to, and ask for, the sharer's clipboard
  "session.files", // send and receive files
  "reports.read",
  "devices.read",
  "settings.manage",
  "roles.manage",
]);
export type Permission = z.infer<typeof Permission>;

export const Role = z.object({
  id: z.string().min(1).max(64).regex(/^[\w.-]+$/),
  name: z.string().min(1).max(100),
  permissions: z.array(Permission).max(Permission.options.length),
  builtIn: z.boolean().default(false),
});
export type Role = z.infer<typeof Role>;

export const BUILT_IN_ROLES: readonly Role[] = [
  { id: "administrator", name: "Administrator", permissions: [...Permission.options], builtIn: true },
  { id: "help-desk-operator", name: "Help desk operator", permissions: ["session.view", "session.control", "session.unenrolled", "session.annotate", "session.clipboard", "session.files", "devices.read"], builtIn: true },
  { id: "read-only-helper", name: "Read-only helper", permissions: ["session.view", "session.annotate"], builtIn: true },
  { id: "auditor", name: "Auditor", permissions: ["reports.read", "devices.read"], builtIn: true },
];

export const RoleAssignment = z.object({
  id: z.string().min(1).max(64).regex(/^[\w.-]+$/),
  roleId: z.string().min(1).max(64),
  principal: z.object({ type: z.enum(["user", "group"]), id: z.string().min(1).max(256) }),
  /** When set, the role applies only to sharers (users or devices) in one of these groups. */
  scopeGroups: z.array(z.string().min(1).max(256)).max(100).nullable().default(null),
});
export type RoleAssignment = z.infer<typeof RoleAssignment>;

const settingFields = {
  remoteHelpEnabled: z.boolean(),
  allowUnenrolledDevices: z.boolean(),
  chatEnabled: z.boolean(),
  codeLifetimeSeconds: z.number().int().min(60).max(3600),
  reconnectGraceSeconds: z.number().int().min(1).max(300),
  auditRetentionDays: z.number().int().min(30).max(3650),
  relayOnlyForSharers: z.boolean(),
  annotationEnabled: z.boolean(),
  clipboardEnabled: z.boolean(),
  fileTransferEnabled: z.boolean(),
  maxFileMegabytes: z.number().int().min(1).max(10_240),
};

export const TenantSettings = z.object({
  remoteHelpEnabled: settingFields.remoteHelpEnabled.default(true),
  allowUnenrolledDevices: settingFields.allowUnenrolledDevices.default(false),
  chatEnabled: settingFields.chatEnabled.default(true),
  codeLifetimeSeconds: settingFields.codeLifetimeSeconds.default(600),
  reconnectGraceSeconds: settingFields.reconnectGraceSeconds.default(15),
  auditRetentionDays: settingFields.auditRetentionDays.default(365),
  /** Sharers' media only through TURN: their addresses are never offered to the helper. */
  relayOnlyForSharers: settingFields.relayOnlyForSharers.default(false),
  /** Helpers may point and draw on the sharer's screen (their role must allow it too). */
  annotationEnabled: settingFields.annotationEnabled.default(true),
  clipboardEnabled: settingFields.clipboardEnabled.default(true),
  fileTransferEnabled: settingFields.fileTransferEnabled.default(true),
  /** The largest file either side may offer. */
  maxFileMegabytes: settingFields.maxFileMegabytes.default(500),
});
export type TenantSettings = z.infer<typeof TenantSettings>;

/** Some settings, no defaults filled in: a directory's or an admin's change. */
export const TenantSettingsPatch = z.object(settingFields).partial().strict();
export type TenantSettingsPatch = z.infer<typeof TenantSettingsPatch>;

export const AccessPolicy = z.object({
  id: z.string().min(1).max(64).regex(/^[\w.-]+$/),
  name: z.string().min(1).max(100),
  enabled: z.boolean().default(true),
  /** Empty lists match everyone / everywhere. */
  conditions: z.object({
    users: z.array(z.string().max(256)).max(1000).default([]),
    groups: z.array(z.string().max(256)).max(1000).default([]),
    addressRanges: z.array(z.string().max(64)).max(100).default([]), // CIDR, IPv4 or IPv6
  }),
  control: z.enum(["block", "require_mfa"]),
  appliesTo: z.array(z.enum(["sign_in", "session_create", "level_request"])).min(1),
});
export type AccessPolicy = z.infer<typeof AccessPolicy>;

/** An Entra group object id (the groups claim carries these, not names); admin pages ask the broker for their names. */
export const ENTRA_GROUP_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
