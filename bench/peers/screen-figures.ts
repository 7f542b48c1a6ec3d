import { percentile, sleep } from "../broker/stats.js";
import { setProbePaused } from "../media/timecode-page.js";
import { cpuSeconds } from "./process-cpu.js";
import type { Side } from "./side.js";

/**
 * What one system delivers of the sharer's screen to the helper, measured
 * alike for every system, in windows: the helper's page carries
 * frameProbeScript in "animation-frame" mode (it counts the distinct screens it
 * shows and how old each was when first shown), resumed for the window only.
 */
export interface ScreenWindow {
  seconds: number;
  frames: number;
  latencies: number[];
  bytes: number;
  cpu: Record<string, number>;
}

export interface ScreenFigures {
  fps: number;
  /** Glass-to-glass: the median over the windows of each window's percentile (one hiccup of a shared machine stays in its window). */
  p50: number;
  p99: number;
  p99s: number[];
  framesRead: number;
  mbitPerSecond: number;
  /** CPU seconds per second of session, per named process tree. */
  cpu: Record<string, number>;
}

type Probe = { __probe: { frames: number; latencies: number[] } };

export async function measureWindow(side: Side, seconds: number): Promise<ScreenWindow> {
  const probe = () => side.helper.evaluate(() => ({ frames: (window as unknown as Probe).__probe.frames, latencies: (window as unknown as Probe).__probe.latencies.length }));
  const cpu = () => Object.fromEntries(Object.entries(side.sharerSide).map(([name, pids]) => [name, cpuSeconds(pids)]));
  await setProbePaused(side.helper, false);
  const before = { ...(await probe()), bytes: await side.bytes(), cpu: cpu(), at: Date.now() };
  await sleep(seconds * 1000);
  const after = { ...(await probe()), bytes: await side.bytes(), cpu: cpu(), at: Date.now() };
  await setProbePaused(side.helper, true);
  const latencies = await side.helper.evaluate((from) => (window as unknown as Probe).__probe.latencies.slice(from), before.latencies);
  return {
    seconds: (after.at - before.at) / 1000,
    frames: after.frames - before.frames,
    latencies,
    bytes: after.bytes - before.bytes,
    cpu: Object.fromEntries(Object.keys(after.cpu).map((name) => [name, after.cpu[name]! - before.cpu[name]!])),
  };
}

export function screenFigures(windows: ScreenWindow[]): ScreenFigures {
  const seconds = windows.reduce((a, w) => a + w.seconds, 0);
  const names = Object.keys(windows[0]?.cpu ?? {});
  const p99s = windows.map((w) => percentile(w.latencies, 99));
  return {
    fps: windows.reduce((a, w) => a + w.frames, 0) / seconds,
    p50: percentile(windows.map((w) => percentile(w.latencies, 50)), 50),
    p99: percentile(p99s, 50),
    p99s,
    framesRead: windows.reduce((a, w) => a + w.latencies.length, 0),
    mbitPerSecond: (windows.reduce((a, w) => a + w.bytes, 0) * 8) / seconds / 1e6,
    cpu: Object.fromEntries(names.map((name) => [name, windows.reduce((a, w) => a + w.cpu[name]!, 0) / seconds])),
  };
}
