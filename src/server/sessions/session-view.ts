import type { Party, PartyRole, SessionState, SessionView } from "../../protocol/index.js";
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
  return { sessionId: record.id, ...stateOf(record) };
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
