import type { DeviceView, PartyRole, SessionEvent } from "../../protocol/index.js";
import type { NewAuditEvent, SessionRecord } from "../store/store.js";

/** The commands a party can send about its session, as state machine events. */
export type PartyCommand =
  | { type: "request"; level: "view" | "control" }
  | { type: "consent"; allow: boolean }
  | { type: "downgrade" }
  | { type: "pause"; paused: boolean }
  | { type: "end" };

/** A party's command as the state machine's event. */
export function toEvent(command: PartyCommand, by: PartyRole): SessionEvent {
  switch (command.type) {
    case "request":
      return { type: "request", by, level: command.level };
    case "consent":
      return { type: command.allow ? "allow" : "deny", by };
    case "downgrade":
      return { type: "downgrade", by };
    case "pause":
      return { type: "pause", by, paused: command.paused };
    case "end":
      return { type: "end", by, reason: by === "helper" ? "helper_ended" : "sharer_ended" };
  }
}

/** An audit row about a session (or about an attempt at one, without a session). */
export const auditRow = (tenantId: string, sessionId: string | null, actorId: string | null, action: string, detail: Record<string, unknown>, at: number): NewAuditEvent => ({ tenantId, sessionId, actorId, action, detail, at });

/** The audit row of an applied event: what changed, in the session's own words. */
export function auditOf(event: SessionEvent, before: SessionRecord, after: SessionRecord, actorId: string | null, at: number): NewAuditEvent {
  return auditRow(before.tenantId, before.id, actorId, auditAction(event), auditDetail(event, before, after), at);
}

function auditAction(event: SessionEvent): string {
  const actions: Record<SessionEvent["type"], string> = {
    redeem: "session.joined",
    expire: "session.ended",
    request: "session.level_requested",
    allow: "session.consent_given",
    deny: "session.consent_denied",
    downgrade: "session.level_dropped",
    pause: "session.paused",
    end: "session.ended",
  };
  return actions[event.type];
}

function auditDetail(event: SessionEvent, before: SessionRecord, after: SessionRecord): Record<string, unknown> {
  switch (event.type) {
    case "request":
      return { level: event.level, from: before.level };
    case "allow":
    case "deny":
      return { level: before.requestedLevel, granted: after.level };
    case "pause":
      return { paused: event.paused };
    case "end":
    case "expire":
      return { reason: after.endReason };
    default:
      return { level: after.level };
  }
}

/** What the audit keeps of the sharer's device at the start: which, enrolled, compliant and why not. */
export function deviceAudit(device: DeviceView | null) {
  return device ? { deviceId: device.deviceId, name: device.name, enrolled: device.enrolled, compliant: device.compliant, reasons: device.reasons } : { enrolled: false };
}
