/**
 * How the app's windows are built and fenced, as plain data and predicates so
 * a test checks them without Electron. The sharer window shows the broker's
 * sharer page (the same UI as on the web) with the preload's bridge as the
 * only extra surface: no Node in the page, sandboxed, isolated, and it may
 * neither leave the broker's origin nor open windows.
 */
export const APP_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob: https:",
  "media-src 'self' blob:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "object-src 'none'",
].join("; ");

/** The subset of Electron's WebPreferences we set; every security-relevant one explicitly. */
export interface SecureWebPreferences {
  preload: string;
  contextIsolation: true;
  sandbox: true;
  nodeIntegration: false;
  nodeIntegrationInWorker: false;
  nodeIntegrationInSubFrames: false;
  webSecurity: true;
  allowRunningInsecureContent: false;
  experimentalFeatures: false;
  webviewTag: false;
  navigateOnDragDrop: false;
  spellcheck: false;
  enableBlinkFeatures: "";
  safeDialogs: true;
}

export function secureWebPreferences(preload: string): SecureWebPreferences {
  return {
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
    enableBlinkFeatures: "",
    safeDialogs: true,
  };
}

export function sharerWindowOptions(preload: string) {
  return {
    width: 960,
    height: 720,
    minWidth: 560,
    minHeight: 480,
    title: "Tandem",
    show: false,
    autoHideMenuBar: true,
    backgroundColor: "#ffffff",
    webPreferences: secureWebPreferences(preload),
  };
}

/** The "being helped by <name>" strip: small, on top of everything, on every workspace, never focused by a click, no preload (it needs no bridge). */
export function indicatorWindowOptions(display: { x: number; y: number; width: number }) {
  const width = 420;
  return {
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
    transparent: false,
    backgroundColor: "#b3261e",
    webPreferences: { ...secureWebPreferences(""), preload: undefined, javascript: false },
  };
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The strip's content: static HTML, no script; the helper's name is escaped (it comes from the directory, but still). */
export function indicatorHtml(helperName: string, controlling: boolean): string {
  const what = controlling ? "is controlling your screen" : "can see your screen";
  return `<!doctype html><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'"><body style="margin:0;font:600 14px system-ui;color:#fff;background:#b3261e;display:flex;align-items:center;justify-content:center;height:100vh"><bdi>${escapeHtml(helperName)}</bdi>&nbsp;${what} · Tandem</body>`;
}

/** Only the broker's own pages, over HTTPS (or loopback HTTP for a developer's broker). */
export function isAppUrl(url: string, brokerOrigin: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.origin !== new URL(brokerOrigin).origin) return false;
  if (parsed.username || parsed.password) return false;
  return parsed.protocol === "https:" || (parsed.protocol === "http:" && ["127.0.0.1", "localhost", "[::1]"].includes(parsed.hostname));
}

/** Links the page opens go to the system browser, and only web links (never file:, smb:, custom schemes). */
export function openExternally(url: string): boolean {
  try {
    return ["https:", "http:"].includes(new URL(url).protocol);
  } catch {
    return false;
  }
}

/**
 * The only permission the sharer page gets is display capture (answered by
 * main's display-media handler with the screen the sharer chose), and only on
 * the broker's origin. Camera, microphone, notifications, geolocation, HID,
 * serial, clipboard reads, ...: denied.
 */
export function permissionAllowed(permission: string, requestingUrl: string, brokerOrigin: string): boolean {
  return permission === "display-capture" && isAppUrl(requestingUrl, brokerOrigin);
}
