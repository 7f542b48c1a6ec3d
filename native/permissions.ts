import type { PermissionReport } from "../src/protocol/index.js";

/**
 * Can this machine be controlled, and what must the sharer allow first?
 *   macOS:   Accessibility (to inject input) and Screen Recording (to capture),
 *            read with node-mac-permissions; the app opens the right System
 *            Settings pane and checks again when the sharer comes back.
 *   Windows: nothing to ask.
 *   Linux:   X11 works; a Wayland session is unsupported (no injection API).
 */
type MacStatus = "authorized" | "denied" | "restricted" | "not determined";
export interface MacPermissions {
  getAuthStatus(kind: "accessibility" | "screen"): MacStatus;
}

const fromMac = (status: MacStatus) => (status === "authorized" ? "granted" : status === "not determined" ? "not-determined" : "denied");

export const WAYLAND_UNSUPPORTED = "This computer runs a Wayland session, where Tandem cannot move the pointer or type. Sign in with an X11 (\"Xorg\") session to allow full control; view only works either way.";

export function waylandSession(env: NodeJS.ProcessEnv): boolean {
  return env.XDG_SESSION_TYPE === "wayland" || (!env.DISPLAY && Boolean(env.WAYLAND_DISPLAY));
}

export async function probePermissions(o: { platform: NodeJS.Platform; env: NodeJS.ProcessEnv; mac?: () => Promise<MacPermissions> }): Promise<PermissionReport> {
  if (o.platform === "darwin") {
    const mac = await (o.mac ?? loadMacPermissions)();
    return { platform: "macos", accessibility: fromMac(mac.getAuthStatus("accessibility")), screenRecording: fromMac(mac.getAuthStatus("screen")), unsupportedReason: null };
  }
  if (o.platform === "win32") return { platform: "windows", accessibility: "not-needed", screenRecording: "not-needed", unsupportedReason: null };
  if (waylandSession(o.env)) return { platform: "linux", accessibility: "unsupported", screenRecording: "not-needed", unsupportedReason: WAYLAND_UNSUPPORTED };
  return { platform: "linux", accessibility: "not-needed", screenRecording: "not-needed", unsupportedReason: null };
}

async function loadMacPermissions(): Promise<MacPermissions> {
  // An optional dependency that installs on macOS only.
  const name = "@nut-tree-fork/node-mac-permissions";
  const loaded = (await import(name)) as { default?: MacPermissions } & MacPermissions;
  return loaded.default ?? loaded;
}
