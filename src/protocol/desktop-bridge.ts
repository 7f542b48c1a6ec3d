import { z } from "zod";
import type { Annotation } from "./annotations.js";
import type { DisplayChoice, InjectedEvent } from "./input.js";
import { DeviceFacts, DeviceProof, type SessionView } from "./messages.js";

/**
 * The one object the desktop app's preload exposes to the sharer UI
 * (`window.tandemDesktop`). The same UI runs as the web page without it. Main
 * validates every call with the protocol's schemas; this file is the contract
 * both sides compile against.
 */
export const BRIDGE_VERSION = 1;

export const BridgeDeviceProof = DeviceProof.extend({ facts: DeviceFacts });
export type BridgeDeviceProof = z.infer<typeof BridgeDeviceProof>;

/** The IPC channels behind the bridge (preload sends, main answers). */
export const BRIDGE_CHANNELS = {
  accessToken: "tandem:access-token",
  proveDevice: "tandem:prove-device",
  sessionChanged: "tandem:session-changed",
  input: "tandem:input",
  revokeHotkey: "tandem:revoke-hotkey",
  stopRequested: "tandem:stop-requested",
  permissions: "tandem:permissions",
  openPermissionSettings: "tandem:open-permission-settings",
  displays: "tandem:displays",
  selectDisplay: "tandem:select-display",
  confirmControl: "tandem:confirm-control",
  reopen: "tandem:reopen",
  offered: "tandem:offered",
  languageChosen: "tandem:language-chosen",
  annotate: "tandem:annotate",
  clipboardWrite: "tandem:clipboard-write",
  clipboardRead: "tandem:clipboard-read",
} as const;

/** What the OS lets the app do, for the permission onboarding. */
export const PermissionPane = z.enum(["accessibility", "screen-recording"]);
export type PermissionPane = z.infer<typeof PermissionPane>;
export const PermissionState = z.enum(["granted", "denied", "not-determined", "not-needed", "unsupported"]);
export const PermissionReport = z.object({
  platform: z.enum(["macos", "windows", "linux"]),
  accessibility: PermissionState,
  screenRecording: PermissionState,
  /** Why full control cannot work here at all (e.g. a Wayland session), in words for the sharer. */
  unsupportedReason: z.string().nullable(),
});
export type PermissionReport = z.infer<typeof PermissionReport>;

export interface TandemDesktopBridge {
  version: typeof BRIDGE_VERSION;
  /** An access token for the broker (the app's own sign-in), or null to use the page's cookie. */
  accessToken(): Promise<string | null>;
  /** Signs the broker's challenge with the device key, proving this connection comes from the registered device. */
  proveDevice(nonce: string, userId: string): Promise<BridgeDeviceProof | null>;
  /** The session as the broker last stated it (main opens or closes the input gate from it), and who helps (for the tray and the on-top strip). */
  sessionChanged(view: SessionView | null, helperName: string | null): void;
  /** Input from the helper's data channels; main forwards it to the agent only under a live control grant. */
  input(sessionId: string, event: InjectedEvent): void;
  /** The revoke hotkey (Ctrl+Alt+Shift+Esc / Cmd+Option+Shift+Esc) was pressed. */
  onRevokeHotkey(handler: () => void): void;
  /** "Stop sharing" from the tray menu or the indicator strip: end the session. */
  onStopRequested(handler: () => void): void;
  /** Accessibility and Screen Recording as the OS reports them now. */
  permissions(): Promise<PermissionReport>;
  /** Opens the System Settings pane where the sharer grants it. */
  openPermissionSettings(pane: PermissionPane): Promise<void>;
  /** The screens that can be shared, the shown one marked current. */
  displays(): Promise<DisplayChoice[]>;
  /** Shows another screen: main answers the page's next getDisplayMedia with it. False for an unknown id. */
  selectDisplay(id: string): Promise<boolean>;
  /**
   * The broker's signed offer of control (`session.control_grant`): main checks it and asks the sharer in its
   * own prompt. True only after their Allow there; only then may the page consent at the broker.
   */
  confirmControl(grant: string): Promise<boolean>;
  /** Quits and reopens the app into this session's code (macOS applies Screen Recording only to a new process). */
  reopen(code: string): Promise<void>;
  /** A helper offers a session to this device: main shows the OS's notification and brings the window forward. */
  offered(helper: { name: string; company: string }): void;
  /** The sharer picked a language in the page: the shell's tray, strip and prompts speak it from now on. */
  languageChosen(code: string): void;
  /** The helper's pointing and drawing: main draws it in its own overlay over the shared screen, while the session allows it. */
  annotate(sessionId: string, annotation: Annotation): void;
  /** Text from the helper for the OS clipboard: main asks the sharer in its own prompt the first time in a session. */
  clipboardWrite(sessionId: string, text: string): Promise<"completed" | "declined" | "failed">;
  /** The OS clipboard's text for the helper, after the sharer's yes in main's prompt (first time in a session); null when they said no. */
  clipboardRead(sessionId: string): Promise<string | null>;
}
