import type { ClipboardHost } from "../web-client/hand-over.js";
import { type Annotation, type DisplayChoice, type InjectedEvent, mayInjectNow, type PermissionPane, type PermissionReport, type SessionView, type TandemDesktopBridge } from "../protocol/index.js";

/**
 * What the page needs from where it runs. In a browser: the session cookie,
 * `getDisplayMedia` with the browser's picker, and no input injection (a web
 * sharer grants view only). The desktop app supplies its own host through the
 * preload bridge: a token, the same `getDisplayMedia` (answered by main), and
 * input forwarded to the agent.
 */
export interface SharerHost {
  kind: "web" | "desktop";
  /** Where the broker is when this page is not served by it (the desktop app's own UI): its WebSocket is there, and no cookie API. */
  brokerOrigin?: string;
  /** A bearer token for the broker, or undefined to use the page's session cookie. */
  token: () => Promise<string | undefined>;
  captureScreen(): Promise<MediaStream>;
  /** Input from the helper; the host decides (and re-checks the grant) before anything is injected. */
  input(event: InjectedEvent, view: SessionView | null): void;
  canGrantControl: boolean;
  /** The desktop app proves its device on each connection. */
  proveDevice?: (nonce: string, userId: string) => Promise<{ deviceId: string; signature: string } | null>;
  /** Every state the broker reports (the desktop app's main opens or closes its input gate from it). */
  sessionChanged(view: SessionView | null, helperName?: string | null): void;
  /** Registers what to do when the sharer presses the revoke hotkey. */
  onRevokeHotkey(handler: () => void): void;
  /** Registers what to do when the sharer chooses "Stop sharing" outside the page (the tray). */
  onStopRequested(handler: () => void): void;
  /** The desktop app: what the OS lets it do, and the settings pane to change it. */
  permissions?: () => Promise<PermissionReport>;
  openPermissionSettings?: (pane: PermissionPane) => Promise<void>;
  /** The desktop app: its screens, and which one its next capture shows. */
  displays?: () => Promise<DisplayChoice[]>;
  selectDisplay?: (id: string) => Promise<boolean>;
  /** The desktop app: the sharer's Allow in main's own prompt for the broker's signed offer of control. */
  confirmControl?: (grant: string) => Promise<boolean>;
  /** The desktop app: quit and reopen into this session's code (macOS applies Screen Recording only to a new process). */
  reopen?: (code: string) => Promise<void>;
  /** The desktop app: a helper's offer arrived; the OS shows a notification and the window comes forward. */
  offered?: (helper: { name: string; company: string }) => void;
  /** The desktop app: the helper's pointing and drawing, drawn by main over the real screen. */
  annotate?: (sessionId: string, annotation: Annotation) => void;
  /** The desktop app: the OS clipboard, after the sharer's consent in main's own prompt (a web page cannot write it unfocused). */
  clipboard?: ClipboardHost;
}

export const webHost: SharerHost = {
  kind: "web",
  token: async () => undefined,
  // Captured at up to 60 fps while the encoder sends 30 (sharer-link.ts): each frame sent is then at
  // most ~16 ms old instead of ~33, ~10 ms off glass-to-glass for a little capture CPU (bench/peers).
  captureScreen: () =>
    navigator.mediaDevices.getDisplayMedia({ video: { width: { ideal: 1920 }, height: { ideal: 1080 }, frameRate: { ideal: 60, max: 60 } }, audio: false }),
  // A browser page cannot move the sharer's mouse: input is dropped here, whatever arrives.
  input: () => undefined,
  canGrantControl: false,
  sessionChanged: () => undefined,
  onRevokeHotkey: () => undefined,
  onStopRequested: () => undefined,
};

/** In the desktop app: full control through main and the agent, which both check the grant again. `brokerOrigin` when the app ships this page (app://). */
export function desktopHost(bridge: TandemDesktopBridge, brokerOrigin?: string): SharerHost {
  return {
    kind: "desktop",
    ...(brokerOrigin ? { brokerOrigin } : {}),
    token: async () => (await bridge.accessToken()) ?? undefined,
    // main answers getDisplayMedia with the chosen screen (desktopCapturer), so the call is the same as on the web
    captureScreen: webHost.captureScreen,
    // Main's relay decides again with the sharer's local consent; here the shared rule saves a round trip.
    input: (event, view) => {
      if (view && mayInjectNow(view, view.sessionId, "not_required") === null) bridge.input(view.sessionId, event);
    },
    canGrantControl: true,
    proveDevice: (nonce, userId) => bridge.proveDevice(nonce, userId),
    sessionChanged: (view, helperName) => bridge.sessionChanged(view, helperName ?? null),
    onRevokeHotkey: (handler) => bridge.onRevokeHotkey(handler),
    onStopRequested: (handler) => bridge.onStopRequested(handler),
    permissions: () => bridge.permissions(),
    openPermissionSettings: (pane) => bridge.openPermissionSettings(pane),
    displays: () => bridge.displays(),
    selectDisplay: (id) => bridge.selectDisplay(id),
    confirmControl: (grant) => bridge.confirmControl(grant),
    reopen: (code) => bridge.reopen(code),
    offered: (helper) => bridge.offered(helper),
    annotate: (sessionId, annotation) => bridge.annotate(sessionId, annotation),
    clipboard: { clipboardWrite: (sessionId, text) => bridge.clipboardWrite(sessionId, text), clipboardRead: (sessionId) => bridge.clipboardRead(sessionId) },
  };
}
