import { isTransitionError, type SessionEvent, transition } from "../../protocol/index.js";
import type { Clock } from "../clock.js";
import { ProtocolError } from "../protocol-error.js";
import type { SessionPatch, SessionRecord, Store } from "../store/store.js";
import type { ControlGrants } from "./control-grants.js";
import type { KeyedMutex } from "./keyed-mutex.js";
import type { SessionBus } from "./session-bus.js";
import { auditOf } from "./session-events.js";
import { stateOf, viewOf } from "./session-view.js";
import { setNewest } from "../newest-entries.js";

/** Session records kept to save a read per command; past it the least recently changed go first. */
const KNOWN_RECORDS = 10_000;

/**
 * Applies one event to a session under its lock, persists it with its audit
 * row, and tells both parties. The write is conditional on the version the
 * event was decided on, so when another broker changed the session meanwhile,
 * the event is decided again on the new state instead of overwriting it.
 *
 * The record as this broker last wrote it (created, redeemed, changed) saves
 * reading the row back for the next command (bench/broker: three reads of a
 * setup's eighteen statements): a record that changed elsewhere meanwhile (on
 * another broker, or a party's presence) fails the version check or the state
 * machine, and is then read fresh. Refusals of policy are not retried, so they
 * are audited once. Ended sessions are forgotten.
 *
 * In a cluster the helper and the sharer are often on different brokers, each
 * changing the session in turn, so each broker's record was stale at every
 * other command: read again, or a failed write then a read (bench/cluster: 4 of
 * a setup's 13 statements). So each record written is shared with the other
 * brokers (`shareRecord`), which take it in place of theirs when it is newer.
 */
export function createEventApplier(o: { store: Store; clock: Clock; bus: SessionBus; grants?: ControlGrants; mutex: KeyedMutex; ended: (sessionId: string) => void }) {
  const known = new Map<string, SessionRecord>();
  const remember = (record: SessionRecord) => {
    if (record.status === "ended") known.delete(record.id);
    else setNewest(known, record.id, record, KNOWN_RECORDS);
  };

  /** Remembered, and told to the other brokers. */
  const written = (record: SessionRecord) => {
    remember(record);
    o.bus.shareRecord?.(record);
  };
  // Another broker's write: kept if this broker holds the session and knew an older version of it.
  o.bus.onRecord?.((record) => {
    const mine = known.get(record.id);
    if (mine && mine.version < record.version) remember(record);
  });

  async function load(sessionId: string): Promise<SessionRecord> {
    const record = await o.store.getSession(sessionId);
    if (!record) throw new ProtocolError("not_in_session", "no such session");
    return record;
  }

  async function apply(sessionId: string, event: SessionEvent, actorId: string | null, check?: (r: SessionRecord) => Promise<SessionPatch | void> | SessionPatch | void) {
    return o.mutex.run(sessionId, async () => {
      for (let attempt = 1; ; attempt++) {
        const remembered = attempt === 1 ? known.get(sessionId) : undefined;
        const record = remembered ?? (await load(sessionId));
        let extra: SessionPatch;
        let next: ReturnType<typeof transition>;
        try {
          extra = (await check?.(record)) ?? {};
          next = transition(stateOf(record), event);
          if (isTransitionError(next)) throw new ProtocolError(next.error, next.message);
        } catch (error) {
          known.delete(sessionId);
          if (remembered && error instanceof ProtocolError && error.code === "invalid_transition") continue;
          throw error;
        }
        const now = o.clock.now();
        const endedAt = next.status === "ended" ? now : null;
        const updated: SessionRecord = { ...record, ...extra, ...next, endedAt, version: record.version + 1 };
        const audit = auditOf(event, record, updated, actorId, now);
        if (!(await o.store.updateSession(sessionId, { ...extra, ...next, ...(endedAt ? { endedAt } : {}) }, audit, record.version))) {
          known.delete(sessionId);
          if (attempt < 5) continue;
          throw new ProtocolError("internal", "the session kept changing; try again");
        }
        written(updated);
        if (next.status === "ended") o.ended(sessionId);
        o.bus.publish({ sessionId, to: "both", message: { type: "session.state", session: viewOf(updated) } });
        if (o.grants && updated.status === "requested" && updated.requestedLevel === "control" && updated.sharerId) {
          const grant = await o.grants.sign({ sessionId, sharerId: updated.sharerId, tenantId: updated.tenantId, level: "control", helper: updated.helperProfile });
          o.bus.publish({ sessionId, to: "sharer", message: { type: "session.control_grant", sessionId, grant } });
        }
        return updated;
      }
    });
  }

  return { apply, remember, written, load };
}
