import type { Clock, Timer } from "../../src/server/clock.js";

/**
 * Real time that a test can jump forward: timers fire when real time reaches
 * them or when a jump passes them. For browser tests, where everything else
 * (the browsers, the IdP's tokens) keeps running on the wall clock.
 */
export class OffsetClock implements Clock {
  private offset = 0;
  private readonly timers = new Set<{ at: number; fn: () => void; handle: ReturnType<typeof setTimeout> }>();

  now(): number {
    return Date.now() + this.offset;
  }

  setTimer(delayMs: number, fn: () => void): Timer {
    const timer = { at: this.now() + delayMs, fn, handle: setTimeout(() => this.fire(timer), delayMs) };
    timer.handle.unref();
    this.timers.add(timer);
    return { cancel: () => (clearTimeout(timer.handle), this.timers.delete(timer)) };
  }

  /** Jumps forward and fires, in order, every timer that came due. */
  jump(ms: number): void {
    this.offset += ms;
    for (const timer of [...this.timers].sort((a, b) => a.at - b.at)) if (timer.at <= this.now()) this.fire(timer);
  }

  private fire(timer: { at: number; fn: () => void; handle: ReturnType<typeof setTimeout> }) {
    if (!this.timers.delete(timer)) return;
    clearTimeout(timer.handle);
    timer.fn();
  }
}
