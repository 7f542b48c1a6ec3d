import type { AnyDelivery } from "./session-bus.js";

/**
 * Signaling is not in the database, so the catch-up after a Redis outage
 * cannot read it back. Each broker keeps what it published in the last few
 * seconds; whenever a broker's subscription comes back it says so, and every
 * broker (itself included) publishes its recent signals again. Receivers drop
 * what they already had by (origin, seq). Chat and session state are left to
 * the database catch-up, which also keeps them in order.
 */
const KEPT_MS = 15_000;
const SEEN_KEPT = 5_000;

export const replayable = (delivery: AnyDelivery) => delivery.message.type.startsWith("signal.");

export interface Published {
  seq: number;
  delivery: AnyDelivery;
}

/** What this broker published lately, numbered in order. */
export class RecentlyPublished {
  private next = 1;
  private readonly kept: { at: number; item: Published }[] = [];

  constructor(private readonly now: () => number = Date.now) {}

  add(delivery: AnyDelivery): Published {
    const item = { seq: this.next++, delivery };
    if (replayable(delivery)) this.kept.push({ at: this.now(), item });
    this.forgetOld();
    return item;
  }

  recent(): Published[] {
    this.forgetOld();
    return this.kept.map(({ item }) => item);
  }

  private forgetOld() {
    const oldest = this.now() - KEPT_MS;
    while (this.kept.length && this.kept[0]!.at < oldest) this.kept.shift();
  }
}

/** Which (origin, seq) this broker has handed to its connections; a bounded window per origin. */
export class SeenDeliveries {
  private readonly byOrigin = new Map<string, Set<number>>();

  /** True the first time; false for a repeat (a replay of something that did arrive). */
  firstTime(origin: string, seq: number): boolean {
    const seen = this.byOrigin.get(origin) ?? new Set<number>();
    this.byOrigin.set(origin, seen);
    if (seen.has(seq)) return false;
    seen.add(seq);
    if (seen.size > SEEN_KEPT) seen.delete(seen.values().next().value!);
    return true;
  }
}
