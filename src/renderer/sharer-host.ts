import type { InputEvent, PointerMove, SessionView } from "../protocol/index.js";

/**
 * What the page needs from where it runs. In a browser: the session cookie,
 * `getDisplayMedia` with the browser's picker, and no input injection (a web
 * sharer grants view only). The desktop app supplies its own host through the
 * preload bridge: a token, the same `getDisplayMedia` (answered by main), and
 * input forwarded to the agent.
 */
export interface SharerHost {
  kind: "web" | "desktop";
  /** A bearer token for the broker, or undefined to use the page's session cookie. */
  token: () => Promise<string | undefined>;
  captureScreen(): Promise<MediaStream>;
  /** Input from the helper; the host decides (and re-checks the grant) before anything is injected. */
  input(event: InputEvent | PointerMove, view: SessionView | null): void;
  canGrantControl: boolean;
}

export const webHost: SharerHost = {
  kind: "web",
  token: async () => undefined,
  captureScreen: () =>
    navigator.mediaDevices.getDisplayMedia({ video: { width: { ideal: 1920 }, height: { ideal: 1080 }, frameRate: { ideal: 30, max: 30 } }, audio: false }),
  // A browser page cannot move the sharer's mouse: input is dropped here, whatever arrives.
  input: () => undefined,
  canGrantControl: false,
};
