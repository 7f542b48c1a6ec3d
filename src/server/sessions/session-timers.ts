import type { PartyRole } from "../../protocol/index.js";
import type { Clock, Timer } from "../clock.js";
import type { SessionRecord } from "../store/store.js";

/**
 * This broker's timers for its sessions: a code's expiry, and each party's
 * grace to come back. A timer only asks for an event; the event is decided on
 * the session as stored, so a timer on another broker does no harm.
 */
export function createSessionTimers(clock: Clock) {
  const expiry = new Map<string, Timer>();
  const grace = new Map<string, Timer>(); // key: `${sessionId}:${role}`
  const graceKey = (sessionId: string, role: PartyRole) => `${sessionId}:${role}`;
  const cancelGrace = (sessionId: string, role: PartyRole) => {
    grace.get(graceKey(sessionId, role))?.cancel();
    grace.delete(graceKey(sessionId, role));
  };
  return {
    expireAt(sessionId: string, at: number, onExpiry: () => void) {
      expiry.set(
        sessionId,
        clock.setTimer(Math.max(0, at - clock.now()), () => {
          expiry.delete(sessionId);
          onExpiry();
        }),
      );
    },
    graceFor(sessionId: string, role: PartyRole, ms: number, onOver: () => void) {
      cancelGrace(sessionId, role);
      grace.set(
        graceKey(sessionId, role),
        clock.setTimer(ms, () => {
          grace.delete(graceKey(sessionId, role));
          onOver();
        }),
      );
    },
    cancelGrace,
    /** The code was redeemed: it can no longer expire. */
    codeUsed(sessionId: string) {
      expiry.get(sessionId)?.cancel();
      expiry.delete(sessionId);
    },
    /** The session ended: none of its timers matter any more. */
    clear(sessionId: string) {
      expiry.get(sessionId)?.cancel();
      expiry.delete(sessionId);
      for (const role of ["helper", "sharer"] as const) cancelGrace(sessionId, role);
    },
    shutdown() {
      for (const timer of [...expiry.values(), ...grace.values()]) timer.cancel();
      expiry.clear();
      grace.clear();
    },
  };
}

export function awayOf(record: SessionRecord, role: PartyRole): number | null {
  return role === "helper" ? record.helperAwaySince : record.sharerAwaySince;
}

export function awayPatch(role: PartyRole, since: number | null) {
  return role === "helper" ? { helperAwaySince: since } : { sharerAwaySince: since };
}
