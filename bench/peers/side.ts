import type { Browser, Page } from "playwright-core";
import type { Latencies } from "../input/pointer-and-keys.js";

/** The side-by-side run's settings: the same for every system. */
export interface SideRun {
  display: string;
  contentOrigin: { left: number; top: number };
  helperBrowser: Browser;
}

/**
 * One system, connected and showing the sharer's screen to its helper page,
 * ready to be measured: the helper page carries frameProbeScript (paused until
 * resumed), so the run can measure the systems in alternating windows while
 * both keep streaming (the same load on the machine for both, and drift
 * between phases cancels out).
 */
export interface Side {
  helper: Page;
  /** Where a pixel of the sharer's screen is drawn in the helper's page, and at what scale. */
  onScreen(sx: number, sy: number): { x: number; y: number };
  scale: number;
  /** Bytes the helper has received so far. */
  bytes(): Promise<number>;
  /** The processes whose CPU is the sharer side's, by name. */
  sharerSide: Record<string, number[]>;
  /** Where this side's time goes, told after the measurement (optional). */
  explain?(keys: Latencies): Promise<string>;
  /** Called before the first timed key press, for explain's key stages. */
  beforeKeys?(): Promise<void>;
  close(): Promise<void>;
}
