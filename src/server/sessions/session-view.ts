import { randomUUID } from "node:crypto";
import { initialSessionState, type Party, type PartyRole, type SessionState, type SessionView, type TargetDevice } from "../../protocol/index.js";
import type { Identity } from "../identity/identity.js";
import type { SessionRecord } from "../store/store.js";

export function stateOf(record: SessionRecord): SessionState {
  return {
    status: record.status,
    level: record.level,
    requestedLevel: record.requestedLevel,
    paused: record.paused,
    endReason: record.endReason,
  };
}

export function viewOf(record: SessionRecord): SessionView {
  return { sessionId: record.id, ...stateOf(record), tools: record.tools, toolsOff: record.toolsOff };
}

/**
 * What the helper is told about the device a session was created for: which,
 * and whether the sharer joined from another device (or the web page). From
 * the broker's records, so the warning cannot be made up or missed by a page.
 */
export function deviceTargetOf(record: SessionRecord, role: PartyRole): { targetDevice: TargetDevice | null; otherDevice: boolean } {
  if (role !== "helper" || !record.targetDevice) return { targetDevice: null, otherDevice: false };
  const joined = record.sharerId !== null;
  return { targetDevice: record.targetDevice, otherDevice: joined && (record.sharerTarget?.device?.deviceId ?? null) !== record.targetDevice.deviceId };
}

export function roleOf(record: SessionRecord, userId: string): PartyRole | null {
  if (record.helperId === userId) return "helper";
  if (record.sharerId === userId) return "sharer";
  return null;
}

export function peerOf(record: SessionRecord, role: PartyRole): Party | null {
  return role === "sharer" ? record.helperProfile : record.sharerProfile;
}

export function otherRole(role: PartyRole): PartyRole {
  return role === "helper" ? "sharer" : "helper";
}

/** A new session as the helper creates it: their code not yet redeemed, nobody else in it. */
export function newSessionRecord(helper: Identity, now: number, codeExpiresAt: number, helperResumeHash: string, targetDevice: TargetDevice | null = null): SessionRecord {
  return {
    id: randomUUID(),
    tenantId: helper.tenantId,
    codeExpiresAt,
    ...initialSessionState,
    helperId: helper.userId,
    helperName: helper.name,
    sharerId: null,
    sharerName: null,
    helperProfile: helper.profile,
    sharerProfile: null,
    sharerTarget: null,
    targetDevice,
    tools: [],
    toolsOff: [],
    helperResumeHash,
    sharerResumeHash: null,
    createdAt: now,
    joinedAt: null,
    endedAt: null,
    version: 0,
    helperAwaySince: null,
    sharerAwaySince: null,
  };
}
