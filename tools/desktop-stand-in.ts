import type { Page } from "playwright-core";
import { CONTROL_GRANT_KEYS_PATH, type DisplayChoice, type Party, type PermissionReport } from "../src/protocol/index.js";
import https from "node:https";
import type { InputRelay } from "../src/main/input-relay.js";
import { createControlConsent } from "../src/main/control-consent.js";
import { type BridgeBackend, type IpcMainLike, registerBridge } from "../src/main/bridge-channels.js";
import { build } from "esbuild";
import { WebSocketServer } from "ws";
import { registerDevice as registerWithBroker } from "../src/main/device-enrollment.js";
import { createAnnotationOverlays, type DisplayArea } from "../src/main/annotation-overlays.js";
import { type ClipboardAgent, type ClipboardDirection, createClipboardRelay } from "../src/main/clipboard-relay.js";
import { type DeviceKey, newDeviceKey } from "./device-key.js";

/**
 * What the desktop app does that a test or benchmark stands in for without
 * Electron: register the device with the tenant's enrollment token, and give
 * the sharer page the preload's bridge, backed by main's real input relay.
 */
export const STAND_IN_FACTS = { platform: "linux" as const, osVersion: "6.1", appVersion: "1.0.0" };

/** Registers a new device key as main does (`src/main/device-enrollment.ts`). */
export async function registerDevice(o: { wsUrl: string; ca?: string; sharerToken: string; enrollmentToken: string; name: string }): Promise<DeviceKey> {
  const device = await newDeviceKey();
  await registerWithBroker({ wsUrl: o.wsUrl, ...(o.ca ? { ca: o.ca } : {}), accessToken: o.sharerToken, identity: device, name: o.name, facts: STAND_IN_FACTS, enrollmentToken: o.enrollmentToken });
  return device;
}

/** Main's consent prompt as a test answers it: who was shown, and Allow (or not). */
export interface StandInConsent {
  /** The broker whose signed grants main checks (its origin is the issuer). */
  broker: { origin: string; ca?: string };
  /** The sharer's answer in main's prompt; by default Allow. */
  answer?: (helper: Party) => boolean;
  shown?: Party[];
}

/**
 * Before the page loads: the real preload (src/preload/preload.ts, bundled for the page with a stand-in
 * for `electron` that carries its ipcRenderer calls over Playwright), answered by main's real IPC handlers
 * (src/main/bridge-channels.ts) backed by `relay` and main's real consent check.
 */
export async function attachDesktopBridge(
  page: Page,
  relay: InputRelay,
  device: DeviceKey,
  os: {
    permissions?: () => PermissionReport;
    opened?: string[];
    displays?: DisplayChoice[];
    selected?: string[];
    consent?: StandInConsent;
    token?: string;
    reopened?: string[];
    offered?: string[];
    languages?: string[];
    /** What main's overlays were opened for and drew (the annotation JSON, per display id). */
    overlays?: { opened: DisplayArea[]; drawn: { display: number; json: string }[]; closed: number };
    /** The agent main's clipboard relay uses, the sharer's answer in main's clipboard prompt (Allow by default), and what was asked. */
    clipboard?: { agent: ClipboardAgent; answer?: (direction: ClipboardDirection) => boolean; asked?: ClipboardDirection[] };
    /**
     * How the preload's IPC reaches main: "cdp" (Playwright's exposeFunction, a round trip through the DevTools
     * protocol; the default), or "socket" (a WebSocket on loopback to this process: a message pipe like Electron's
     * IPC, for benchmarks that time the path; the page's context must bypass its CSP to reach it).
     */
    ipc?: "cdp" | "socket";
  } = {},
): Promise<void> {
  // Main's display list: by default the one screen this X display has.
  const displays = os.displays ?? [{ id: "1", label: "Screen 1", width: 1920, height: 1080, primary: true, current: true }];
  const linuxX11: PermissionReport = { platform: "linux", accessibility: "not-needed", screenRecording: "not-needed", unsupportedReason: null };
  const consent = os.consent
    ? createControlConsent({
        issuer: os.consent.broker.origin,
        fetchKeys: () => fetchJson(`${os.consent!.broker.origin}${CONTROL_GRANT_KEYS_PATH}`, os.consent!.broker.ca),
        ask: async ({ helper }) => (os.consent!.shown?.push(helper), (os.consent!.answer ?? (() => true))(helper)),
        relay,
      })
    : null;
  const screens: DisplayArea[] = [{ id: 1, bounds: { x: 0, y: 0, width: 1920, height: 1080 } }];
  const overlays = createAnnotationOverlays({
    open: (display) => (os.overlays?.opened.push(display), { draw: (json) => void os.overlays?.drawn.push({ display: display.id, json }), close: () => void (os.overlays && os.overlays.closed++) }),
    displays: () => screens,
    sharedDisplayId: () => 1,
  });
  const noAgent: ClipboardAgent = { clipboardWrite: async () => false, clipboardRead: async () => null };
  const clipboard = createClipboardRelay({
    agent: os.clipboard?.agent ?? noAgent,
    ask: async ({ direction }) => (os.clipboard?.asked?.push(direction), (os.clipboard?.answer ?? (() => true))(direction)),
  });
  const backend: BridgeBackend = {
    overlays,
    clipboard,
    // The app's own sign-in (null: the page signs in with the broker's cookie, as when the broker serves it).
    accessToken: async () => os.token ?? null,
    proveDevice: async (nonce, userId) => ({ deviceId: device.id, signature: device.prove(nonce, userId), facts: STAND_IN_FACTS }),
    relay,
    helping: () => undefined,
    permissions: async () => (os.permissions ?? (() => linuxX11))(),
    openPermissionSettings: async (pane) => void os.opened?.push(pane),
    displays: async () => displays,
    selectDisplay: async (id) => {
      if (!displays.some((d) => d.id === id)) return false;
      for (const d of displays) d.current = d.id === id;
      os.selected?.push(id);
      return true;
    },
    confirmControl: async (grant) => (consent ? (await consent.confirm(grant)).allowed : false),
    // Main would relaunch the app with `--code`; the test hears which code.
    reopen: async (code) => void os.reopened?.push(code),
    // Main would show the OS's notification; the test hears who offered.
    offered: (helper) => void os.offered?.push(helper.name),
    // Main would keep the choice and speak it in the tray and prompts; the test hears which language.
    languageChosen: (code) => void os.languages?.push(code),
  };
  const handlers = new Map<string, Parameters<IpcMainLike["handle"]>[1]>();
  const listeners = new Map<string, Parameters<IpcMainLike["on"]>[1]>();
  // Every call comes from the page's top frame here; the frame check itself is tested with real URLs (main-bridge-calls).
  registerBridge({ handle: (c, l) => handlers.set(c, l), on: (c, l) => listeners.set(c, l) }, backend, () => true);
  const frame = () => ({ senderFrame: { url: page.url(), parent: null } });
  if (os.ipc === "socket") {
    const port = await ipcOverSocket(page, (channel, args) => handlers.get(channel)?.(frame(), ...args), (channel, args) => void listeners.get(channel)?.(frame(), ...args));
    await page.addInitScript({ content: `window.__tandemIpcPort = ${port};\n${SOCKET_IPC_IN_A_PAGE}` });
  } else {
    await page.exposeFunction("__tandemIpcInvoke", (channel: string, args: unknown[]) => handlers.get(channel)?.(frame(), ...args));
    await page.exposeFunction("__tandemIpcSend", (channel: string, args: unknown[]) => void listeners.get(channel)?.(frame(), ...args));
  }
  await page.addInitScript({ content: await preloadForPage() });
}

/** A stand-in for the `electron` module inside the page: the preload's IPC goes through the functions exposed above. */
const ELECTRON_IN_A_PAGE = `
export const contextBridge = { exposeInMainWorld: (name, api) => { window[name] = Object.freeze(api); } };
export const ipcRenderer = {
  invoke: (channel, ...args) => window.__tandemIpcInvoke(channel, args),
  send: (channel, ...args) => { void window.__tandemIpcSend(channel, args); },
  on: (channel, listener) => { const all = (window.__tandemIpcListeners ??= {}); (all[channel] ??= []).push(listener); },
};`;

/**
 * The pipe for ipc: "socket": the page's two IPC calls as JSON over a WebSocket to this process (sends queue
 * until it is open), answered like Electron's ipcMain would. Closed with the page.
 */
const SOCKET_IPC_IN_A_PAGE = `(() => {
  const ws = new WebSocket("ws://127.0.0.1:" + window.__tandemIpcPort);
  const early = [];
  const waiting = new Map();
  let next = 1;
  const out = (m) => (ws.readyState === 1 ? ws.send(JSON.stringify(m)) : early.push(m));
  ws.onopen = () => { for (const m of early.splice(0)) ws.send(JSON.stringify(m)); };
  ws.onmessage = (e) => { const m = JSON.parse(e.data); const w = waiting.get(m.id); waiting.delete(m.id); if (w) (m.error ? w.reject(new Error(m.error)) : w.resolve(m.result)); };
  window.__tandemIpcInvoke = (channel, args) => new Promise((resolve, reject) => { const id = next++; waiting.set(id, { resolve, reject }); out({ id, channel, args }); });
  window.__tandemIpcSend = (channel, args) => out({ channel, args });
})();`;

async function ipcOverSocket(page: Page, invoke: (channel: string, args: unknown[]) => unknown, send: (channel: string, args: unknown[]) => void): Promise<number> {
  const server = new WebSocketServer({ host: "127.0.0.1", port: 0 });
  await new Promise((resolve) => server.once("listening", resolve));
  server.on("connection", (socket) => {
    socket.on("message", (data) => {
      const m = JSON.parse(String(data)) as { id?: number; channel: string; args: unknown[] };
      if (m.id === undefined) return send(m.channel, m.args);
      void Promise.resolve()
        .then(() => invoke(m.channel, m.args))
        .then((result) => socket.send(JSON.stringify({ id: m.id, result })), (error: unknown) => socket.send(JSON.stringify({ id: m.id, error: String(error) })));
    });
  });
  page.once("close", () => server.close());
  return (server.address() as { port: number }).port;
}

let bundled: Promise<string> | null = null;
/** src/preload/preload.ts bundled for a page (once per process). */
function preloadForPage(): Promise<string> {
  bundled ??= build({
    entryPoints: ["src/preload/preload.ts"],
    bundle: true,
    format: "iife",
    platform: "browser",
    write: false,
    logLevel: "silent",
    plugins: [
      {
        name: "electron-in-a-page",
        setup(b) {
          b.onResolve({ filter: /^electron$/ }, () => ({ path: "electron", namespace: "electron-in-a-page" }));
          b.onLoad({ filter: /.*/, namespace: "electron-in-a-page" }, () => ({ contents: ELECTRON_IN_A_PAGE, loader: "js" }));
        },
      },
    ],
  }).then((result) => result.outputFiles[0]!.text);
  return bundled;
}

/** GET a JSON document over HTTPS, trusting `ca` (the broker's published keys, for main's consent check). */
export function fetchJson(url: string, ca?: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    https
      .get(url, { ca }, (response) => {
        let text = "";
        response.on("data", (chunk: Buffer) => (text += chunk.toString()));
        response.on("end", () => {
          try {
            resolve(JSON.parse(text));
          } catch (error) {
            reject(error as Error);
          }
        });
      })
      .on("error", reject);
  });
}
