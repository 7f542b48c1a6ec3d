import { createAnnotationOverlays } from "../src/main/annotation-overlays.js";
import { createClipboardRelay } from "../src/main/clipboard-relay.js";
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { type BridgeBackend, BridgeRefused, type IpcMainLike, registerBridge } from "../src/main/bridge-channels.js";
import { createInputRelay } from "../src/main/input-relay.js";
import { BRIDGE_CHANNELS, type ToAgent } from "../src/protocol/index.js";
import { appPageUrl, isAppUrl } from "../src/main/shipped-ui.js";

/**
 * Main's side of the preload bridge: what a page (or a compromised one, or an
 * iframe it loaded) can make main do. ipcMain is the only stand-in: a map of
 * channel → listener, called the way Electron calls it.
 */
const BROKER = "https://tandem.northwind.test";
type Listener = Parameters<IpcMainLike["handle"]>[1];

function setUp() {
  const handlers = new Map<string, Listener>();
  const toAgent: ToAgent[] = [];
  const helping: unknown[] = [];
  const opened: string[] = [];
  const refusals: BridgeRefused[] = [];
  const drawn: string[] = [];
  const clipboardWrites: string[] = [];
  const backend: BridgeBackend = {
    overlays: createAnnotationOverlays({ open: () => ({ draw: (json) => void drawn.push(json), close: () => undefined }), displays: () => [{ id: 1, bounds: { x: 0, y: 0, width: 1920, height: 1080 } }], sharedDisplayId: () => 1 }),
    clipboard: createClipboardRelay({ agent: { clipboardWrite: async (_id, text) => (clipboardWrites.push(text), true), clipboardRead: async () => "from the clipboard" }, ask: async () => true }),
    accessToken: async () => "token-1",
    proveDevice: async (nonce, userId) => ({ deviceId: "d".repeat(43), signature: `${nonce}:${userId}`.padEnd(64, "x"), facts: { platform: "linux", osVersion: "6.1", appVersion: "1.0.0" } }),
    relay: createInputRelay({ send: (m) => toAgent.push(m) }),
    helping: (view, name) => helping.push([view?.status ?? null, name]),
    permissions: async () => ({ platform: "linux", accessibility: "not-needed", screenRecording: "not-needed", unsupportedReason: null }),
    openPermissionSettings: async (pane) => void opened.push(pane),
    displays: async () => [{ id: "1", label: "Built-in", width: 3024, height: 1964, primary: true, current: true }],
    selectDisplay: async (id) => id === "1",
    confirmControl: async () => false,
    reopen: async (code) => void opened.push(`reopen:${code}`),
    offered: (helper) => void opened.push(`offered:${helper.name}/${helper.company}`),
    languageChosen: (code) => void opened.push(`language:${code}`),
  };
  registerBridge({ handle: (c, l) => handlers.set(c, l), on: (c, l) => handlers.set(c, l) }, backend, (url) => isAppUrl(url), (r) => refusals.push(r));
  const call = (channel: string, frameUrl: string | null, ...args: unknown[]) => handlers.get(channel)!({ senderFrame: frameUrl === null ? null : { url: frameUrl, parent: null } }, ...args);
  const fromIframe = (channel: string, ...args: unknown[]) => handlers.get(channel)!({ senderFrame: { url: appPageUrl(BROKER, null), parent: {} } }, ...args);
  return { call, fromIframe, toAgent, helping, opened, refusals, drawn, clipboardWrites };
}

describe("the preload bridge as main answers it", () => {
  const page = appPageUrl(BROKER, { code: "abcd2345" });
  const sessionId = randomUUID();
  const active = { sessionId, status: "active", level: "control", requestedLevel: null, paused: false, endReason: null, tools: [], toolsOff: [] };

  it("answers the app's own page, with parsed arguments", async () => {
    const t = setUp();
    expect(await t.call(BRIDGE_CHANNELS.accessToken, page)).toBe("token-1");
    expect(await t.call(BRIDGE_CHANNELS.proveDevice, page, "n".repeat(22), "nw-sharer-1")).toMatchObject({ deviceId: "d".repeat(43) });
    await t.call(BRIDGE_CHANNELS.openPermissionSettings, page, "accessibility");
    expect(t.opened).toEqual(["accessibility"]);
    expect(await t.call(BRIDGE_CHANNELS.displays, page)).toEqual([{ id: "1", label: "Built-in", width: 3024, height: 1964, primary: true, current: true }]);
    expect(await t.call(BRIDGE_CHANNELS.selectDisplay, page, "1")).toBe(true);
    t.call(BRIDGE_CHANNELS.sessionChanged, page, active, "Hugo Moreau");
    t.call(BRIDGE_CHANNELS.input, page, sessionId, { t: "key", code: "KeyA", down: true, repeat: false, mods: { shift: false, ctrl: false, alt: false, meta: false } });
    expect(t.helping).toEqual([["active", "Hugo Moreau"]]);
    t.call(BRIDGE_CHANNELS.offered, page, { name: "Hugo Moreau", company: "Northwind Traders" });
    t.call(BRIDGE_CHANNELS.languageChosen, page, "pt-BR");
    expect(t.opened).toEqual(["accessibility", "offered:Hugo Moreau/Northwind Traders", "language:pt-BR"]);
    // The page saying "control" is not the sharer's click in main's prompt: the agent hears view only, and no input goes.
    expect(t.toAgent).toEqual([{ type: "grant", sessionId, level: "view", paused: false }]);
    expect(t.refusals).toEqual([]);
  });

  it("refuses other origins, iframes and vanished frames, and bad arguments, changing nothing", async () => {
    const t = setUp();
    // The broker's own page is not the app either: only the UI the app ships may call the bridge.
    for (const url of ["https://evil.test/", "file:///tmp/x.html", "data:text/html,hi", `${BROKER}/s`]) {
      await expect(Promise.resolve().then(() => t.call(BRIDGE_CHANNELS.accessToken, url))).rejects.toMatchObject({ code: "forbidden" });
    }
    await expect(Promise.resolve().then(() => t.fromIframe(BRIDGE_CHANNELS.proveDevice, "n".repeat(22), "u"))).rejects.toMatchObject({ code: "forbidden" });
    await expect(Promise.resolve().then(() => t.call(BRIDGE_CHANNELS.accessToken, null))).rejects.toBeInstanceOf(BridgeRefused);
    await expect(Promise.resolve().then(() => t.call(BRIDGE_CHANNELS.proveDevice, page, "short", "u"))).rejects.toMatchObject({ code: "bad_message" });
    await expect(Promise.resolve().then(() => t.call(BRIDGE_CHANNELS.openPermissionSettings, page, "../../Calculator.app"))).rejects.toMatchObject({ code: "bad_message" });
    await expect(Promise.resolve().then(() => t.call(BRIDGE_CHANNELS.selectDisplay, page, { id: "1" }))).rejects.toMatchObject({ code: "bad_message" });
    // Reopening takes a session code and nothing else onto the new process's command line.
    await expect(Promise.resolve().then(() => t.call(BRIDGE_CHANNELS.reopen, page, "abcd2345 --inspect=0.0.0.0"))).rejects.toMatchObject({ code: "bad_message" });
    // Fire-and-forget channels drop quietly: a forged grant from an iframe opens nothing.
    t.fromIframe(BRIDGE_CHANNELS.sessionChanged, active, "Mallory");
    t.call(BRIDGE_CHANNELS.sessionChanged, page, { ...active, status: "hacked" }, "Mallory");
    t.call(BRIDGE_CHANNELS.sessionChanged, page, active, "x".repeat(5000));
    // A notification's words are short text: nothing else (and no extra fields) reaches the OS.
    t.fromIframe(BRIDGE_CHANNELS.offered, { name: "Mallory", company: "" });
    t.call(BRIDGE_CHANNELS.offered, page, { name: "x".repeat(201), company: "" });
    t.call(BRIDGE_CHANNELS.offered, page, { name: "Mallory", company: "", actions: [{ type: "button" }] });
    t.call(BRIDGE_CHANNELS.offered, page, "Mallory");
    // A language is one Tandem speaks, nothing else reaches the file main keeps it in.
    t.fromIframe(BRIDGE_CHANNELS.languageChosen, "de");
    for (const junk of ["tlh", "../../etc/passwd", "de\nx", { code: "de" }, "x".repeat(5000)]) t.call(BRIDGE_CHANNELS.languageChosen, page, junk);
    expect(t.helping).toEqual([]);
    expect(t.opened).toEqual([]);
    expect(t.refusals.map((r) => r.code)).toEqual(["forbidden", "forbidden", "forbidden", "forbidden", "forbidden", "forbidden", "bad_message", "bad_message", "bad_message", "bad_message", "forbidden", "bad_message", "bad_message", "forbidden", "bad_message", "bad_message", "bad_message", "forbidden", "bad_message", "bad_message", "bad_message", "bad_message", "bad_message"]);
  });
});
