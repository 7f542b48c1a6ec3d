import { isAppUrl } from "./shipped-ui.js";
import { type ShellText, shellText } from "./shell-strings.js";

/**
 * How the app's windows are built and fenced, as plain data and predicates so
 * a test checks them without Electron. The sharer window shows the sharer UI
 * the app ships (app://tandem, the same UI as the broker's web page) with the
 * preload's bridge as the only extra surface: no Node in the page, sandboxed,
 * isolated, and it may neither leave the app's origin nor open windows.
 */

/**
 * The windows are constructed here, with their options written out where
 * `new BrowserWindow` is called, so a reviewer (and electronegativity, which
 * reads this file) sees every security-relevant preference at the call.
 * Main passes Electron's BrowserWindow; tests pass a recorder.
 */
export type WindowConstructor<W> = new (options: Record<string, unknown> & { webPreferences: Record<string, unknown> }) => W;

export function createSharerWindow<W>(BrowserWindow: WindowConstructor<W>, preload: string): W {
  return new BrowserWindow({
    width: 960,
    height: 720,
    minWidth: 560,
    minHeight: 480,
    title: "Tandem",
    show: false,
    autoHideMenuBar: true,
    backgroundColor: "#ffffff",
    webPreferences: {
      preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      safeDialogs: true,
      // A middle click must not open a new window behind setWindowOpenHandler's back.
      disableBlinkFeatures: "Auxclick",
    },
  });
}

/** The "being helped by <name>" strip: small, on top of everything, never focused by a click; static HTML, no script, no preload. */
export function createIndicatorWindow<W>(BrowserWindow: WindowConstructor<W>, display: { x: number; y: number; width: number }): W {
  const width = 420;
  return new BrowserWindow({
    width,
    height: 44,
    x: Math.round(display.x + (display.width - width) / 2),
    y: display.y + 8,
    frame: false,
    resizable: false,
    movable: true,
    minimizable: false,
    maximizable: false,
    fullscreenable: false,
    skipTaskbar: true,
    alwaysOnTop: true,
    focusable: false,
    show: false,
    backgroundColor: "#b3261e",
    webPreferences: {
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      javascript: false,
      disableBlinkFeatures: "Auxclick",
    },
  });
}

/**
 * The helper's drawing over one display: transparent, frameless, on top of
 * everything, never focused, never in the task bar; no preload and no Node,
 * only the app's own overlay page (JavaScript on: it draws on a canvas).
 */
export function createOverlayWindow<W>(BrowserWindow: WindowConstructor<W>, bounds: { x: number; y: number; width: number; height: number }): W {
  return new BrowserWindow({
    ...bounds,
    transparent: true,
    frame: false,
    resizable: false,
    movable: false,
    minimizable: false,
    maximizable: false,
    fullscreenable: false,
    skipTaskbar: true,
    alwaysOnTop: true,
    focusable: false,
    hasShadow: false,
    enableLargerThanScreen: true,
    show: false,
    backgroundColor: "#00000000",
    webPreferences: {
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      disableBlinkFeatures: "Auxclick",
    },
  });
}

/** What main does with an overlay window once built (Electron's BrowserWindow has all of it; tests pass a recorder). */
export interface OverlayBrowserWindow {
  setIgnoreMouseEvents(ignore: boolean): void;
  setAlwaysOnTop(flag: boolean, level: "screen-saver"): void;
  setVisibleOnAllWorkspaces(visible: boolean, options: { visibleOnFullScreen: boolean }): void;
  setContentProtection(enable: boolean): void;
  loadURL(url: string): Promise<void>;
  showInactive(): void;
  destroy(): void;
  webContents: {
    on(event: "will-navigate", listener: (event: { preventDefault(): void }) => void): unknown;
    once(event: "did-finish-load", listener: () => void): unknown;
    executeJavaScript(code: string): Promise<unknown>;
  };
}

/** The overlay page the app ships: the same origin as the sharer UI, nothing from the network. */
export const OVERLAY_PAGE = "app://tandem/overlay/index.html";
const QUEUED_BEFORE_LOAD = 256;

/**
 * Opens an overlay that ignores the mouse (clicks go through to the sharer's
 * apps), is kept out of screen capture (the helper already sees its own
 * drawing, without the delay of the video), and cannot navigate. `draw` hands
 * the page an annotation main has already parsed: numbers and names only.
 */
export function openOverlayWindow<W extends OverlayBrowserWindow>(BrowserWindow: WindowConstructor<W>, bounds: { x: number; y: number; width: number; height: number }) {
  const overlay = createOverlayWindow(BrowserWindow, bounds);
  overlay.setIgnoreMouseEvents(true);
  overlay.setAlwaysOnTop(true, "screen-saver");
  overlay.setVisibleOnAllWorkspaces(true, { visibleOnFullScreen: true });
  overlay.setContentProtection(true);
  overlay.webContents.on("will-navigate", (event) => event.preventDefault());
  let queued: string[] | null = [];
  const run = (json: string) => void overlay.webContents.executeJavaScript(`window.tandemOverlay && window.tandemOverlay.apply(${json})`).catch(() => undefined);
  overlay.webContents.once("did-finish-load", () => {
    for (const json of queued ?? []) run(json);
    queued = null;
  });
  void overlay.loadURL(OVERLAY_PAGE);
  overlay.showInactive();
  return {
    draw(json: string) {
      if (queued) {
        if (queued.length < QUEUED_BEFORE_LOAD) queued.push(json);
      } else run(json);
    },
    close: () => overlay.destroy(),
  };
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The strip's content: static HTML, no script, in the sharer's language; the helper's name is escaped (it comes from the directory, but still). */
export function indicatorHtml(helperName: string, controlling: boolean, t: ShellText = shellText("en")): string {
  const [before = "", after = ""] = t(controlling ? "shell.stripControl" : "shell.stripView", { name: "\u0000" }).split("\u0000");
  return `<!doctype html><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'"><body dir="${t.rtl ? "rtl" : "ltr"}" style="margin:0;font:600 14px system-ui;color:#fff;background:#b3261e;display:flex;align-items:center;justify-content:center;height:100vh">${escapeHtml(before)}<bdi>${escapeHtml(helperName)}</bdi>${escapeHtml(after)}</body>`;
}

/**
 * What main may hand to the OS to open (the one `shell.openExternal` call):
 * web links (sign-in pages, links in the page) and the two System Settings
 * panes of the permission onboarding; never file:, smb:, or other schemes.
 */
export const SETTINGS_PANE_URLS = {
  accessibility: "x-apple.systempreferences:com.apple.preference.security?Privacy_Accessibility",
  "screen-recording": "x-apple.systempreferences:com.apple.preference.security?Privacy_ScreenCapture",
} as const;

export function openExternally(url: string): boolean {
  if ((Object.values(SETTINGS_PANE_URLS) as string[]).includes(url)) return true;
  try {
    return ["https:", "http:"].includes(new URL(url).protocol);
  } catch {
    return false;
  }
}

/**
 * The only permission the sharer page gets is display capture (answered by
 * main's display-media handler with the screen the sharer chose), and only on
 * the app's own page (app://tandem). Camera, microphone, notifications, geolocation, HID,
 * serial, clipboard reads, ...: denied.
 */
export function permissionAllowed(permission: string, requestingUrl: string): boolean {
  return permission === "display-capture" && isAppUrl(requestingUrl);
}
