import { performance } from "node:perf_hooks";
import v8 from "node:v8";
import vm from "node:vm";

/**
 * After a burst (a flood, a wave of sign-ins) V8 keeps the heap it grew: the
 * garbage is gone from `heapUsed`, but the pages stay committed and the RSS
 * stays up for good, because an idle broker allocates too little to start
 * another collection. When the broker has gone quiet with its RSS well above
 * where it last settled, ask V8 once for a memory-reducing collection (its
 * "last resort" flavour returns the emptied pages to the OS), then settle on
 * whatever the RSS is afterwards — memory that is really in use raises the
 * baseline instead of causing a collection every period.
 */
export interface SettlingReading {
  rssBytes: number;
  /** Event-loop utilisation since the previous reading, 0..1. */
  busy: number;
}

export interface SettlingRules {
  /** Collect only when RSS is this fraction above where it last settled… */
  growth: number;
  /** …and at least this many bytes above it. */
  minGrowthBytes: number;
  /**
   * Readings in a row with the event loop at most this busy count as quiet. Low: the collection stops the
   * broker for 50–100 ms, and a broker relaying a steady 1,000 signals/s is only 8–12 % busy (bench:relay's
   * profiles), which a threshold of 10 % took for quiet.
   */
  quietBusy: number;
  quietReadings: number;
}

export const SETTLING_RULES: SettlingRules = { growth: 0.1, minGrowthBytes: 16 * 1024 * 1024, quietBusy: 0.02, quietReadings: 2 };

/** The decision, apart from clocks and V8: feed it readings; it says when to collect. */
export class SettlingDecision {
  private settledRss: number | null = null;
  private quiet = 0;
  private justCollected = false;

  constructor(private readonly rules: SettlingRules = SETTLING_RULES) {}

  /** True when this reading calls for a collection now. */
  next(reading: SettlingReading): boolean {
    if (this.settledRss === null || this.justCollected || reading.rssBytes < this.settledRss) {
      // The first reading, the one after a collection, or memory that went down by itself.
      this.settledRss = reading.rssBytes;
      this.justCollected = false;
      this.quiet = 0;
      return false;
    }
    this.quiet = reading.busy <= this.rules.quietBusy ? this.quiet + 1 : 0;
    const grown = reading.rssBytes - this.settledRss;
    if (this.quiet < this.rules.quietReadings || grown < this.rules.minGrowthBytes || grown < this.settledRss * this.rules.growth) return false;
    this.justCollected = true;
    return true;
  }
}

export type Collect = () => void;

/** V8's `gc()` with the memory-reducing flavour, without starting Node with --expose-gc. */
export function memoryReducingCollection(): Collect {
  v8.setFlagsFromString("--expose-gc");
  const gc = vm.runInNewContext("gc") as (options?: { type: "major"; flavor: "last-resort" }) => void;
  return () => gc({ type: "major", flavor: "last-resort" });
}

export function startMemorySettling(
  onCollected: (before: number, after: number) => void,
  { collect = memoryReducingCollection(), rss = () => process.memoryUsage.rss(), everyMs = 5_000 }: { collect?: Collect; rss?: () => number; everyMs?: number } = {},
): { stop(): void } {
  const decision = new SettlingDecision();
  let loop = performance.eventLoopUtilization();
  const timer = setInterval(() => {
    const now = performance.eventLoopUtilization();
    const since = performance.eventLoopUtilization(now, loop);
    loop = now;
    const before = rss();
    if (!decision.next({ rssBytes: before, busy: since.utilization })) return;
    collect();
    onCollected(before, rss());
  }, everyMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
