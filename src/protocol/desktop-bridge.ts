import { z } from "zod";
import type { InputEvent, PointerMove } from "./input.js";
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

export interface TandemDesktopBridge {
  version: typeof BRIDGE_VERSION;
  /** An access token for the broker (the app's own sign-in), or null to use the page's cookie. */
  accessToken(): Promise<string | null>;
  /** Signs the broker's challenge with the device key, proving this connection comes from the registered device. */
  proveDevice(nonce: string, userId: string): Promise<BridgeDeviceProof | null>;
  /** The session as the broker last stated it: main opens or closes the input gate from it. */
  sessionChanged(view: SessionView | null): void;
  /** Input from the helper's data channels; main forwards it to the agent only under a live control grant. */
  input(sessionId: string, event: InputEvent | PointerMove): void;
  /** The revoke hotkey (Ctrl+Alt+Shift+Esc / Cmd+Option+Shift+Esc) was pressed. */
  onRevokeHotkey(handler: () => void): void;
}
