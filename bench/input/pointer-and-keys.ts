import type { Page } from "playwright-core";
import type { XEvent, XEventWindow } from "../../tools/x-events.js";

/**
 * Input latency as the sharer's X server sees it: from the moment a benchmark
 * tells the helper's page to move, click or press, to the moment an xev window
 * on the sharer's screen reports the event. The same measurements for any
 * remote-control path (Tandem's console, noVNC): `onScreen` maps a pixel of the
 * sharer's screen to where the helper's page draws it.
 */
export interface Latencies {
  samples: number[];
  /** When each event arrived was asked for, and when X delivered it (same order as samples). */
  times: { sent: number; seen: number }[];
  /** Events that did not arrive within 2 s. */
  missed: number;
}

type OnScreen = (sx: number, sy: number) => { x: number; y: number };

const point = (i: number) => ({ sx: 120 + ((i * 37) % 680), sy: 240 + ((i * 53) % 520) });
/** Within two of the helper's pixels of where it aimed (scaling rounds). */
const near = (e: XEvent, sx: number, sy: number, scale: number) => Math.abs(e.root.x - sx) <= 2 / scale && Math.abs(e.root.y - sy) <= 2 / scale;

function record(out: Latencies, sent: number, seen: XEvent | null) {
  if (!seen) return void out.missed++;
  out.samples.push(seen.at - sent);
  out.times.push({ sent, seen: seen.at });
}

export async function measureMoves(page: Page, onScreen: OnScreen, target: XEventWindow, count: number, scale: number): Promise<Latencies> {
  const out: Latencies = { samples: [], times: [], missed: 0 };
  for (let i = 0; i < count; i++) {
    const { sx, sy } = point(i);
    const p = onScreen(sx, sy);
    const from = target.events.length;
    const sent = Date.now();
    await page.mouse.move(p.x, p.y);
    const seen = await target.waitFor((e) => e.type === "MotionNotify" && near(e, sx, sy, scale), from);
    record(out, sent, seen);
  }
  return out;
}

/** The pointer is moved there first (untimed); the press alone is timed. */
export async function measureClicks(page: Page, onScreen: OnScreen, target: XEventWindow, count: number, scale: number): Promise<Latencies> {
  const out: Latencies = { samples: [], times: [], missed: 0 };
  for (let i = 0; i < count; i++) {
    const { sx, sy } = point(i + 7);
    const p = onScreen(sx, sy);
    const moved = target.events.length;
    await page.mouse.move(p.x, p.y);
    await target.waitFor((e) => e.type === "MotionNotify" && near(e, sx, sy, scale), moved);
    const from = target.events.length;
    const sent = Date.now();
    await page.mouse.down();
    const seen = await target.waitFor((e) => e.type === "ButtonPress", from);
    await page.mouse.up();
    record(out, sent, seen);
  }
  return out;
}

export const LETTERS = "abcdefghijklmnopqrstuvwxyz";

/** The window must have the keyboard focus on the sharer's screen already. */
export async function measureKeys(page: Page, target: XEventWindow, count: number): Promise<Latencies> {
  const out: Latencies = { samples: [], times: [], missed: 0 };
  for (let i = 0; i < count; i++) {
    const letter = LETTERS[i % LETTERS.length]!;
    const from = target.events.length;
    const sent = Date.now();
    await page.keyboard.down(`Key${letter.toUpperCase()}`);
    const seen = await target.waitFor((e) => e.type === "KeyPress" && e.keysym === letter, from);
    await page.keyboard.up(`Key${letter.toUpperCase()}`);
    record(out, sent, seen);
  }
  return out;
}

/** Clicks the window through the helper's page, then gives it the keyboard, as a window manager would on that click. */
export async function focusThroughHelper(page: Page, onScreen: OnScreen, target: XEventWindow): Promise<boolean> {
  const first = onScreen(400, 500);
  const from = target.events.length;
  await page.mouse.click(first.x, first.y);
  const clicked = await target.waitFor((e) => e.type === "ButtonPress", from, 10_000);
  target.focus();
  await new Promise((r) => setTimeout(r, 300));
  return clicked !== null;
}
