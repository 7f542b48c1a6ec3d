import { openXEventWindow } from "../../tools/x-events.js";
import { sleep } from "../broker/stats.js";
import { step } from "../input/control-session.js";
import { setProbePaused } from "../media/timecode-page.js";
import { focusThroughHelper, type Latencies, measureClicks, measureKeys } from "../input/pointer-and-keys.js";
import { measureWindow, type ScreenFigures, screenFigures, type ScreenWindow } from "./screen-figures.js";
import type { Side } from "./side.js";

export interface SideFigures {
  screen: ScreenFigures;
  clicks: Latencies;
  keys: Latencies;
  /** Where the side's time goes, when it can tell. */
  detail: string;
}

const joined = (parts: Latencies[]): Latencies => ({ samples: parts.flatMap((l) => l.samples), times: parts.flatMap((l) => l.times), missed: parts.reduce((a, l) => a + l.missed, 0) });

/**
 * Measures connected systems in alternation, each streaming the whole time:
 * screen windows (round by round, the order flipped every round), then clicks
 * and keys in blocks. Every system sees the same machine load, and a slow
 * moment or drift lands on both instead of on whichever ran then.
 */
export async function measureAlternately(sides: Side[], o: { display: string; rounds: number; seconds: number; clicks: number; keys: number }): Promise<SideFigures[]> {
  for (const side of sides) await setProbePaused(side.helper, true);
  await sleep(2000); // past every encoder's ramp-up
  const windows: ScreenWindow[][] = sides.map(() => []);
  const order = (round: number) => (round % 2 ? [...sides.keys()].reverse() : [...sides.keys()]);
  for (let round = 0; round < o.rounds; round++) for (const i of order(round)) windows[i]!.push(await measureWindow(sides[i]!, o.seconds / o.rounds));

  const clicks: Latencies[][] = sides.map(() => []);
  const keys: Latencies[][] = sides.map(() => []);
  const target = await openXEventWindow(o.display, { x: 80, y: 200, width: 760, height: 600 });
  try {
    for (const side of sides) await side.beforeKeys?.();
    for (let block = 0; block < o.rounds; block++) {
      for (const i of order(block)) {
        const side = sides[i]!;
        // A click on the window through this helper's page, then the keyboard to it, as a window manager would.
        await step("a click through the helper's page arrives", focusThroughHelper(side.helper, side.onScreen, target));
        clicks[i]!.push(await measureClicks(side.helper, side.onScreen, target, Math.round(o.clicks / o.rounds), side.scale));
        keys[i]!.push(await measureKeys(side.helper, target, Math.round(o.keys / o.rounds)));
      }
    }
  } finally {
    target.stop();
  }

  const figures: SideFigures[] = [];
  for (const [i, side] of sides.entries()) {
    const k = joined(keys[i]!);
    await setProbePaused(side.helper, false);
    const detail = (await side.explain?.(k)) ?? "";
    await setProbePaused(side.helper, true);
    figures.push({ screen: screenFigures(windows[i]!), clicks: joined(clicks[i]!), keys: k, detail });
  }
  return figures;
}
