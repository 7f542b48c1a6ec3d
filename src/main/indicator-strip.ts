import type { BrowserWindow } from "electron";
import { createIndicatorWindow, indicatorHtml, type WindowConstructor } from "./window-policy.js";
import type { ShellText } from "./shell-strings.js";

/**
 * The "being helped by <name>" strip on top of the primary display while
 * someone helps: opened when help starts, its words changed with the level,
 * closed when help ends. Electron plumbing; its options and HTML are tested in
 * window-policy.ts.
 */
export function indicatorStrip(BrowserWindowClass: typeof BrowserWindow, workArea: () => { x: number; y: number; width: number }) {
  let strip: BrowserWindow | null = null;
  let shownHtml = "";
  return (helper: string | null, controlling: boolean, t: ShellText) => {
    if (helper && !strip) {
      strip = createIndicatorWindow(BrowserWindowClass as WindowConstructor<BrowserWindow>, workArea());
      strip.setAlwaysOnTop(true, "screen-saver");
      strip.setVisibleOnAllWorkspaces(true, { visibleOnFullScreen: true });
      strip.webContents.on("will-navigate", (event) => event.preventDefault());
      strip.showInactive();
    }
    // The strip says what the helper can do right now: it changes with the level (control ↔ view).
    const html = helper ? indicatorHtml(helper, controlling, t) : "";
    if (strip && helper && html !== shownHtml) void strip.loadURL(`data:text/html;charset=utf-8,${encodeURIComponent(html)}`);
    shownHtml = html;
    if (!helper && strip) {
      strip.destroy();
      strip = null;
    }
  };
}
