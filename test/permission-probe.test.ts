import { describe, expect, it } from "vitest";
import { probePermissions, WAYLAND_UNSUPPORTED } from "../native/permissions.js";

/** The agent's answer to "can this machine be controlled?", per platform (macOS through node-mac-permissions' interface). */
describe("the permission probe", () => {
  it("reads macOS Accessibility and Screen Recording as the sharer set them", async () => {
    const mac = (a: string, s: string) => async () => ({ getAuthStatus: (kind: "accessibility" | "screen") => (kind === "accessibility" ? a : s) as never });
    expect(await probePermissions({ platform: "darwin", env: {}, mac: mac("authorized", "denied") })).toEqual({ platform: "macos", accessibility: "granted", screenRecording: "denied", unsupportedReason: null });
    expect(await probePermissions({ platform: "darwin", env: {}, mac: mac("not determined", "restricted") })).toMatchObject({ accessibility: "not-determined", screenRecording: "denied" });
  });

  it("asks nothing on Windows or X11, and calls a Wayland session unsupported", async () => {
    expect(await probePermissions({ platform: "win32", env: {} })).toMatchObject({ platform: "windows", accessibility: "not-needed", unsupportedReason: null });
    expect(await probePermissions({ platform: "linux", env: { DISPLAY: ":0", XDG_SESSION_TYPE: "x11" } })).toMatchObject({ accessibility: "not-needed", unsupportedReason: null });
    expect(await probePermissions({ platform: "linux", env: { DISPLAY: ":0", WAYLAND_DISPLAY: "wayland-0", XDG_SESSION_TYPE: "wayland" } })).toMatchObject({ accessibility: "unsupported", unsupportedReason: WAYLAND_UNSUPPORTED });
    expect(await probePermissions({ platform: "linux", env: { WAYLAND_DISPLAY: "wayland-0" } })).toMatchObject({ accessibility: "unsupported" });
  });
});
