import type { DisplayBounds, DisplayChoice } from "../protocol/index.js";

/**
 * Which screen is shared, and where the helper's normalised pointer lands on
 * it. Electron gives display bounds in DIPs with a scale factor; the agent
 * (nut-js) works in the OS's own pointer space: points on macOS (= DIPs),
 * physical pixels on Windows and X11. The helper's (0..1, 0..1) maps into
 * the chosen display's rectangle in that space (`pointOnDisplay`), so a click
 * lands on the pixel the helper aimed at whatever the scaling.
 */
export interface ElectronDisplay {
  id: number;
  label?: string;
  bounds: { x: number; y: number; width: number; height: number };
  scaleFactor: number;
}

export interface CaptureSource {
  id: string;
  name: string;
  display_id: string;
}

type Platform = "darwin" | "win32" | "linux";
type ToScreenRect = (bounds: ElectronDisplay["bounds"]) => ElectronDisplay["bounds"];

/** The display's rectangle in the agent's pointer space. On Windows, Electron's `screen.dipToScreenRect` converts (it knows the monitor layout). */
export function agentBounds(display: ElectronDisplay, platform: Platform, toScreenRect?: ToScreenRect): DisplayBounds {
  const b = display.bounds;
  if (platform === "darwin") return rounded(b);
  if (platform === "win32" && toScreenRect) return rounded(toScreenRect(b));
  const s = display.scaleFactor;
  return rounded({ x: b.x * s, y: b.y * s, width: b.width * s, height: b.height * s });
}

function rounded(b: ElectronDisplay["bounds"]): DisplayBounds {
  return { x: Math.round(b.x), y: Math.round(b.y), width: Math.max(1, Math.round(b.width)), height: Math.max(1, Math.round(b.height)) };
}

/** The screens the sharer (and the helper) can choose between: capture sources matched to displays, primary first. */
export function displayChoices(displays: readonly ElectronDisplay[], sources: readonly CaptureSource[], primaryId: number, currentId: number | null): DisplayChoice[] {
  const choices: DisplayChoice[] = [];
  const shown = currentId ?? primaryId;
  for (const source of sources) {
    const display = displays.find((d) => String(d.id) === source.display_id) ?? (sources.length === 1 && displays.length === 1 ? displays[0] : undefined);
    if (!display) continue;
    choices.push({
      id: String(display.id),
      label: (display.label || source.name).slice(0, 100),
      width: Math.round(display.bounds.width * display.scaleFactor),
      height: Math.round(display.bounds.height * display.scaleFactor),
      primary: display.id === primaryId,
      current: display.id === shown,
    });
  }
  return choices.sort((a, b) => Number(b.primary) - Number(a.primary));
}

/** The chosen display, falling back to the primary when the chosen one was unplugged. */
export function chosenDisplay(displays: readonly ElectronDisplay[], chosenId: number | null, primaryId: number): ElectronDisplay | undefined {
  return displays.find((d) => d.id === chosenId) ?? displays.find((d) => d.id === primaryId) ?? displays[0];
}
