import type { DevicePublicKey, DeviceView, EndReason, Level, Party, PartyRole, SessionStatus, TargetDevice, Tool } from "../../protocol/index.js";
import type { ChainAnchor, ChainedRow } from "./audit-chain.js";

/**
 * The store contract every engine fulfils. Services depend on this interface
 * only; test/store-contract.test.ts runs the same cases against each engine.
 */
export interface SessionRecord {
  id: string;
  tenantId: string;
  codeExpiresAt: number;
  status: SessionStatus;
  level: Level | null;
  requestedLevel: Level | null;
  paused: boolean;
  endReason: EndReason | null;
  helperId: string;
  helperName: string;
  sharerId: string | null;
  sharerName: string | null;
  helperProfile: Party;
  sharerProfile: Party | null;
  sharerTarget: SharerTarget | null;
  /** The device the helper created the session for (Help on a device), or null for a code anyone of the tenant may use. */
  targetDevice: TargetDevice | null;
  /** What the helper's role and the tenant allowed when a level was last asked (drawing, clipboard, files). */
  tools: Tool[];
  /** What the sharer turned off for this session. */
  toolsOff: Tool[];
  helperResumeHash: string;
  sharerResumeHash: string | null;
  createdAt: number;
  joinedAt: number | null;
  endedAt: number | null;
  /** Bumped by every change: optimistic concurrency between brokers. */
  version: number;
  /** Since when a party's connection is gone (its grace running), or null while connected. */
  helperAwaySince: number | null;
  sharerAwaySince: number | null;
}

/** Who the helper would be helping: checked against scoped roles and the unenrolled-device rule. */
export interface SharerTarget {
  /** The sharer's groups and, when the device is known, its device groups. */
  groups: string[];
  device: DeviceView | null;
}

export interface SessionFilter {
  tenantId: string;
  /** Created at or after / before (ms). */
  from?: number;
  to?: number;
  helperId?: string;
  sharerId?: string;
  endReason?: EndReason;
  /** Sessions whose code the helper cancelled before anyone joined are left out unless asked for. */
  includeCancelled?: boolean;
  limit: number;
}

export type NewSession = Omit<SessionRecord, "sharerId" | "sharerName" | "sharerProfile" | "sharerTarget" | "sharerResumeHash" | "joinedAt" | "endedAt" | "version" | "helperAwaySince" | "sharerAwaySince"> & {
  codeHash: string;
};

export type SessionPatch = Partial<
  Pick<
    SessionRecord,
    "status" | "level" | "requestedLevel" | "paused" | "endReason" | "endedAt" | "tools" | "toolsOff" | "helperResumeHash" | "sharerResumeHash" | "helperAwaySince" | "sharerAwaySince"
  >
>;

export interface Redemption {
  sharerId: string;
  sharerName: string;
  sharerProfile: Party;
  sharerTarget: SharerTarget;
  sharerResumeHash: string;
  at: number;
}

export type RedeemResult =
  | { ok: true; session: SessionRecord }
  | { ok: false; reason: "code_invalid" | "code_expired" | "code_used" | "code_cancelled"; session?: SessionRecord };

export interface StoredChatMessage {
  sessionId: string;
  seq: number;
  senderId: string;
  senderRole: PartyRole;
  senderName: string;
  text: string;
  createdAt: number;
  /** The sender's own id for the message; one message per id and sender. */
  clientMsgId: string | null;
}

export interface AuditEvent {
  id: number;
  tenantId: string;
  sessionId: string | null;
  actorId: string | null;
  action: string;
  detail: Record<string, unknown>;
  at: number;
}

export type NewAuditEvent = Omit<AuditEvent, "id">;

export interface AuditFilter {
  tenantId: string;
  sessionId?: string;
  actorId?: string;
  /** Exact action names, e.g. ["access.refused", "access.refused.repeated"]. */
  actions?: string[];
  from?: number;
  to?: number;
  limit?: number;
  newestFirst?: boolean;
  /** With newestFirst: only events older than this id (the previous page's last). */
  beforeId?: number;
}

/** An audit event whose tenant and session are those of the session it is written with. */
export type SessionAudit = Omit<NewAuditEvent, "tenantId" | "sessionId">;

/** One stored record of the embedded IdP (payload is the provider's own JSON). */
export interface IdpRecord {
  payload: Record<string, unknown>;
  expiresAt: number | null;
}

export interface IdpRecordStore {
  upsert(model: string, id: string, payload: Record<string, unknown>, expiresAt: number | null): Promise<void>;
  find(model: string, id: string): Promise<IdpRecord | undefined>;
  findBy(model: string, field: "uid" | "userCode", value: string): Promise<IdpRecord | undefined>;
  destroy(model: string, id: string): Promise<void>;
  revokeByGrantId(grantId: string): Promise<void>;
  /** Removes rows that expired at or before `now` (sign-ins never finished, old grants); returns how many. */
  pruneExpired(now: number): Promise<number>;
}

/** A tenant's configuration document (settings, a role, an assignment, a policy...). */
export interface TenantDocument {
  id: string;
  body: unknown;
  updatedAt: number;
}

export type DocumentKind = "settings" | "role" | "assignment" | "access_policy" | "compliance" | "enrollment" | "audit_anchor";

/** Every change is written together with its audit event (before/after), or not at all. */
export interface TenantDocumentStore {
  list(tenantId: string, kind: DocumentKind): Promise<TenantDocument[]>;
  get(tenantId: string, kind: DocumentKind, id: string): Promise<TenantDocument | undefined>;
  put(tenantId: string, kind: DocumentKind, id: string, body: unknown, audit: NewAuditEvent): Promise<void>;
  /** False when there was nothing to remove (and nothing is audited). */
  remove(tenantId: string, kind: DocumentKind, id: string, audit: NewAuditEvent): Promise<boolean>;
}

export interface DeviceRecord {
  tenantId: string;
  id: string;
  name: string;
  platform: "macos" | "windows" | "linux";
  osVersion: string;
  appVersion: string;
  ownerId: string;
  groups: string[];
  publicKey: DevicePublicKey;
  enrolled: boolean;
  registeredAt: number;
  lastSeenAt: number;
}

export interface DeviceStore {
  /** Registers or re-registers (same key, same id) a device, with its audit event. */
  register(device: DeviceRecord, audit: NewAuditEvent): Promise<void>;
  get(tenantId: string, id: string): Promise<DeviceRecord | undefined>;
  list(tenantId: string): Promise<DeviceRecord[]>;
  /** A proven connection: the device checked in, possibly with new versions. */
  checkIn(tenantId: string, id: string, at: number, facts?: { osVersion: string; appVersion: string }): Promise<void>;
}

export interface Store {
  idp: IdpRecordStore;
  devices: DeviceStore;
  documents: TenantDocumentStore;
  /** A tenant's audit rows with their chain fields, in stored order, for verification. */
  listAuditChain(tenantId: string): Promise<ChainedRow[]>;
  listAuditTenants(): Promise<string[]>;
  /** Each tenant's newest audit row (for signed checkpoints). */
  listAuditHeads(): Promise<{ tenantId: string; seq: number; hash: string }[]>;
  /** Where the tenant's chain starts, once retention has removed older rows. */
  getAuditAnchor(tenantId: string): Promise<ChainAnchor | null>;
  /**
   * Retention: removes the tenant's sessions (with their chat) that ended before
   * the cutoff, and audit rows written before it, in one transaction; records the
   * new chain anchor and appends the pruning itself to the chain.
   */
  pruneBefore(tenantId: string, cutoff: number, at: number): Promise<{ sessions: number; auditRows: number }>;
  /**
   * Inserts a session and its audit event in one transaction; false when the
   * code hash is already taken (the caller draws a new code).
   */
  insertSession(session: NewSession, audit: NewAuditEvent): Promise<boolean>;
  getSession(id: string): Promise<SessionRecord | undefined>;
  /** Atomically turns an unexpired, unredeemed code into a joined session, exactly once, with its audit event. */
  redeemCode(codeHash: string, tenantId: string, redemption: Redemption, audit: SessionAudit): Promise<RedeemResult>;
  /** A state change and its audit event are written together or not at all. */
  /**
   * When `expectedVersion` is given, writes only if the session is still at that
   * version (another broker may have changed it) and returns false otherwise.
   */
  updateSession(id: string, patch: SessionPatch, audit?: NewAuditEvent, expectedVersion?: number): Promise<boolean>;
  /** A tenant's sessions, newest first, for reports. */
  listSessions(filter: SessionFilter): Promise<SessionRecord[]>;
  /** The names these people had in the tenant's sessions (as helper or sharer), by id; ids never seen are left out. */
  namesOf(tenantId: string, ids: readonly string[]): Promise<Map<string, string>>;
  /** Sessions not yet ended, e.g. to re-arm timers after a restart. */
  listOpenSessions(): Promise<SessionRecord[]>;

  /** Appends a message with the next sequence number of its session. */
  /** Stores a message, or returns the one this sender already stored under the same clientMsgId (`duplicate`). */
  appendChat(message: Omit<StoredChatMessage, "seq">): Promise<StoredChatMessage & { duplicate: boolean }>;
  /** Oldest first after `afterSeq`: at most `limit` messages, and no more once `maxChars` characters of text are passed (the message that passes them comes too). */
  listChat(sessionId: string, afterSeq: number, limit: number, maxChars?: number): Promise<StoredChatMessage[]>;

  appendAudit(event: NewAuditEvent): Promise<void>;
  /** Oldest first by default; `newestFirst` with `beforeId` pages back from the newest (the console's Audit page). */
  listAudit(filter: AuditFilter): Promise<AuditEvent[]>;

  close(): Promise<void>;
}
