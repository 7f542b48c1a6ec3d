import { type PartyRole, TOOL_USES_PER_MINUTE, type Tool, type ToolOutcome, type ToolUse, type ToolUseKind, toolOf } from "../../protocol/index.js";
import type { Clock } from "../clock.js";
import { createRateBucket, type RateBucket } from "../limits/rate-bucket.js";
import type { Identity } from "../identity/identity.js";
import type { SessionPolicy } from "../policy/session-policy.js";
import { ProtocolError } from "../protocol-error.js";
import type { SessionRecord, Store } from "../store/store.js";
import { auditRow } from "./session-events.js";
import type { SessionBus } from "./session-bus.js";
import { otherRole, roleOf, viewOf } from "./session-view.js";
import { setNewest } from "../newest-entries.js";

/**
 * Drawing, the clipboard and files, as the broker sees them: the sharer turns
 * a tool off or on (audited, told to both), and every use of the clipboard or
 * a file offer is announced here first, counted, checked against the role, the
 * tenant and the sharer's choice, audited (lengths, names, sizes and hashes,
 * never content) and only then told to the other side, which answers with what
 * became of it. The bytes go peer to peer.
 */
export type SessionTools = ReturnType<typeof createSessionTools>;

/** Who may announce a use: the clipboard is the helper's to ask for; files go both ways. */
const MAY_START: Record<ToolUseKind, readonly PartyRole[]> = { "clipboard.write": ["helper"], "clipboard.read": ["helper"], "file.offer": ["helper", "sharer"] };
/** Who may answer: the side a use is for (and either side may cancel a file). */
const MAY_ANSWER: Record<ToolUseKind, readonly PartyRole[]> = { "clipboard.write": ["sharer"], "clipboard.read": ["sharer"], "file.offer": ["helper", "sharer"] };

const USE_ACTIONS: Record<ToolUseKind, string> = { "clipboard.write": "clipboard.sent", "clipboard.read": "clipboard.requested", "file.offer": "file.offered" };
/** Sessions whose use counts this broker keeps at most; the oldest is forgotten first (a forgotten one starts with a full burst). */
const MAX_COUNTED_SESSIONS = 10_000;

export function createSessionTools(o: { store: Store; clock: Clock; bus: SessionBus; policy: SessionPolicy }) {
  /** Uses per session, a token bucket: TOOL_USES_PER_MINUTE at once, then one every 60/N seconds. */
  const buckets = new Map<string, RateBucket>();

  function takeUse(sessionId: string): number {
    const bucket = buckets.get(sessionId) ?? createRateBucket(TOOL_USES_PER_MINUTE / 60, TOOL_USES_PER_MINUTE);
    setNewest(buckets, sessionId, bucket, MAX_COUNTED_SESSIONS);
    return bucket.take(o.clock.now());
  }

  async function partyRecord(user: Identity, sessionId: string): Promise<{ record: SessionRecord; role: PartyRole }> {
    const record = await o.store.getSession(sessionId);
    const role = record ? roleOf(record, user.userId) : null;
    if (!record || !role || record.tenantId !== user.tenantId) throw new ProtocolError("not_in_session", "no such session");
    return { record, role };
  }

  const audit = (record: SessionRecord, user: Identity, action: string, detail: Record<string, unknown>) => auditRow(record.tenantId, record.id, user.userId, action, detail, o.clock.now());

  return {
    /** The sharer turns a tool off or on for this session; both sides hear the new state. */
    async setTool(user: Identity, sessionId: string, tool: Tool, on: boolean): Promise<void> {
      for (let attempt = 1; attempt <= 5; attempt++) {
        const { record, role } = await partyRecord(user, sessionId);
        if (role !== "sharer") throw new ProtocolError("forbidden", "only the person being helped turns a tool off or on");
        if (record.status === "ended") throw new ProtocolError("invalid_transition", "the session has ended");
        const toolsOff = on ? record.toolsOff.filter((t) => t !== tool) : [...new Set([...record.toolsOff, tool])];
        const changed = { ...record, toolsOff, version: record.version + 1 };
        if (await o.store.updateSession(sessionId, { toolsOff }, audit(record, user, on ? "session.tool_on" : "session.tool_off", { tool }), record.version)) {
          o.bus.publish({ sessionId, to: "both", message: { type: "session.state", session: viewOf(changed) } });
          return;
        }
      }
      throw new ProtocolError("internal", "the session kept changing; try again");
    },

    /** A use announced before anything is sent: counted first, then checked, audited, and told to the other side. */
    async use(user: Identity, sessionId: string, useId: string, use: ToolUse): Promise<void> {
      const wait = takeUse(sessionId);
      if (wait > 0) throw new ProtocolError("rate_limited", "too many clipboard uses and file offers in this session; wait a moment", wait);
      const { record, role } = await partyRecord(user, sessionId);
      if (!MAY_START[use.kind].includes(role)) throw new ProtocolError("forbidden", `the ${role} cannot start ${use.kind}`);
      if (record.status !== "active") throw new ProtocolError("invalid_transition", "the clipboard and files work only while the screen is shared");
      if (record.paused) throw new ProtocolError("invalid_transition", "the session is paused");
      await o.policy.toolUse(user, record, use);
      const detail = use.kind === "clipboard.write" ? { chars: use.chars } : use.kind === "file.offer" ? { name: use.name, size: use.size, sha256: use.sha256, from: role } : {};
      await o.store.appendAudit(audit(record, user, USE_ACTIONS[use.kind], { useId, ...detail }));
      o.bus.publish({ sessionId, to: otherRole(role), message: { type: "tool.used", sessionId, useId, from: role, use } });
    },

    /** What became of a use, from the side it was for (either side cancels a file): audited, told to the other side. */
    async answer(user: Identity, sessionId: string, useId: string, kind: ToolUseKind, outcome: ToolOutcome, chars?: number): Promise<void> {
      const { record, role } = await partyRecord(user, sessionId);
      if (!MAY_ANSWER[kind].includes(role)) throw new ProtocolError("forbidden", `the ${role} does not answer ${kind}`);
      if (record.status === "ended" && outcome !== "cancelled") throw new ProtocolError("invalid_transition", "the session has ended");
      const action = `${toolOf(kind) === "files" ? "file" : "clipboard"}.${outcome}`;
      await o.store.appendAudit(audit(record, user, action, { useId, kind, by: role, ...(chars !== undefined ? { chars } : {}) }));
      o.bus.publish({ sessionId, to: otherRole(role), message: { type: "tool.answered", sessionId, useId, from: role, outcome, ...(chars !== undefined ? { chars } : {}) } });
    },

  };
}
