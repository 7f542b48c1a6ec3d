import type { Page } from "playwright-core";
import { percentile, sleep } from "../broker/stats.js";
import { cpuSeconds } from "./process-cpu.js";

/**
 * What one system delivers of the sharer's screen to the helper over a window
 * of time, measured alike for every system: the helper's page carries
 * frameProbeScript in "animation-frame" mode (it counts the distinct screens it
 * shows and how old each was when first shown); `bytes` reads the bytes the
 * helper has received so far; `sharerSide` are the processes whose CPU is the
 * sharer's cost.
 */
export interface ScreenFigures {
  fps: number;
  p50: number;
  p99: number;
  framesRead: number;
  mbitPerSecond: number;
  /** CPU seconds per second of session, per named process tree. */
  cpu: Record<string, number>;
}

export async function measureScreen(helper: Page, bytes: () => Promise<number>, sharerSide: Record<string, number[]>, seconds: number): Promise<ScreenFigures> {
  const probe = () => helper.evaluate(() => {
    const p = (window as unknown as { __probe: { frames: number; latencies: number[] } }).__probe;
    return { frames: p.frames, latencies: p.latencies.length };
  });
  const cpu = () => Object.fromEntries(Object.entries(sharerSide).map(([name, pids]) => [name, cpuSeconds(pids)]));
  const before = { ...(await probe()), bytes: await bytes(), cpu: cpu(), at: Date.now() };
  await sleep(seconds * 1000);
  const after = { ...(await probe()), bytes: await bytes(), cpu: cpu(), at: Date.now() };
  const span = (after.at - before.at) / 1000;
  const latencies = await helper.evaluate((from) => (window as unknown as { __probe: { latencies: number[] } }).__probe.latencies.slice(from), before.latencies);
  return {
    fps: (after.frames - before.frames) / span,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    framesRead: latencies.length,
    mbitPerSecond: ((after.bytes - before.bytes) * 8) / span / 1e6,
    cpu: Object.fromEntries(Object.keys(sharerSide).map((name) => [name, (after.cpu[name]! - before.cpu[name]!) / span])),
  };
}
