import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import fs from "node:fs";

/**
 * A private Xvfb screen (1920x1080) for headed Chromium's real screen capture,
 * and solid-colour marker windows on it whose pixels a test or benchmark can
 * look for in the video the helper receives. No window manager: windows sit
 * where they ask to be.
 */
export interface XDisplay {
  display: string;
  /** A solid window at x,y (pixels) of the given size and colour, e.g. "#ff00ff". */
  marker(o: { x: number; y: number; width: number; height: number; color: string }): Promise<ChildProcess>;
  stop(): void;
}

export function xvfbInstalled(): boolean {
  return !spawnSync("Xvfb", ["-help"], { stdio: "ignore" }).error;
}

export async function startXvfb(width = 1920, height = 1080): Promise<XDisplay> {
  let n = 90 + Math.floor(Math.random() * 400);
  while (fs.existsSync(`/tmp/.X11-unix/X${n}`) || fs.existsSync(`/tmp/.X${n}-lock`)) n++;
  const display = `:${n}`;
  const xvfb = spawn("Xvfb", [display, "-screen", "0", `${width}x${height}x24`, "-nolisten", "tcp", "-nocursor"], { stdio: "ignore" });
  const started = Date.now();
  while (!fs.existsSync(`/tmp/.X11-unix/X${n}`)) {
    if (xvfb.exitCode !== null || Date.now() - started > 5000) throw new Error(`Xvfb ${display} did not start`);
    await new Promise((r) => setTimeout(r, 25));
  }
  const children: ChildProcess[] = [xvfb];
  return {
    display,
    async marker({ x, y, width: w, height: h, color }) {
      // xterm sized in pixels through its font cell: 1 column = 6 px, 1 row = 13 px with the "fixed" font.
      const child = spawn("xterm", ["-display", display, "-fn", "fixed", "-bg", color, "-fg", color, "-cr", color, "-b", "0", "-geometry", `${Math.ceil(w / 6)}x${Math.ceil(h / 13)}+${x}+${y}`, "-e", "sleep", "3600"], { stdio: "ignore" });
      children.push(child);
      await new Promise((r) => setTimeout(r, 400)); // mapped and painted
      return child;
    },
    stop() {
      for (const child of children.reverse()) child.kill("SIGTERM");
    },
  };
}
