import type { Clock, Timer } from "../clock.js";
import type { NewAuditEvent } from "../store/store.js";

/**
 * Refusals repeated by one source are written as they happen up to a few per
 * window (a person mistyping a code three times reads as three rows), the
 * rest as one `<action>.repeated` row with a count when the window closes. A
 * client that asks for something forbidden ten thousand times then writes a
 * dozen rows a minute instead of burying the log.
 */
export interface RefusalAudit {
  append(event: NewAuditEvent): Promise<void>;
  /** Writes every pending summary now (the broker is stopping). */
  flush(): Promise<void>;
}

export const SUMMARY_WINDOW_MS = 60_000;
/** Refusals per source and window written one by one before the rest are counted. */
export const WRITTEN_PER_WINDOW = 10;
/** Sources summarised at once; past it the oldest source's summary is written early. */
export const MAX_SOURCES = 10_000;

/** What makes two refusals "the same": who, what, and why — not when, nor the free text. */
const SAME_REFUSAL_FIELDS = ["code", "reason", "stage", "policy", "address"] as const;

interface Pending {
  first: NewAuditEvent;
  written: number;
  repeats: number;
  lastAt: number;
  timer: Timer;
}

export function createRefusalAudit(o: { write(event: NewAuditEvent): Promise<unknown>; clock: Clock; windowMs?: number; onError(error: unknown): void }): RefusalAudit {
  const windowMs = o.windowMs ?? SUMMARY_WINDOW_MS;
  const pending = new Map<string, Pending>();

  const sourceOf = (e: NewAuditEvent) => JSON.stringify([e.tenantId, e.action, e.actorId, e.sessionId, ...SAME_REFUSAL_FIELDS.map((f) => e.detail[f] ?? null)]);

  async function close(source: string) {
    const entry = pending.get(source);
    if (!entry) return;
    pending.delete(source);
    entry.timer.cancel();
    if (entry.repeats === 0) return;
    const { first } = entry;
    await o.write({
      ...first,
      action: `${first.action}.repeated`,
      detail: { ...Object.fromEntries(SAME_REFUSAL_FIELDS.filter((f) => f in first.detail).map((f) => [f, first.detail[f]])), count: entry.repeats, from: first.at, to: entry.lastAt },
      at: entry.lastAt,
    });
  }

  return {
    async append(event) {
      const source = sourceOf(event);
      const entry = pending.get(source);
      // Counted before the write, so refusals arriving while one is under way are summarised, not written.
      if (entry && entry.written >= WRITTEN_PER_WINDOW) {
        entry.repeats++;
        entry.lastAt = event.at;
        return;
      }
      if (entry) entry.written++;
      else {
        pending.set(source, { first: event, written: 1, repeats: 0, lastAt: event.at, timer: o.clock.setTimer(windowMs, () => void close(source).catch(o.onError)) });
        if (pending.size > MAX_SOURCES) void close(pending.keys().next().value!).catch(o.onError);
      }
      await o.write(event);
    },
    async flush() {
      await Promise.all([...pending.keys()].map(close));
    },
  };
}
