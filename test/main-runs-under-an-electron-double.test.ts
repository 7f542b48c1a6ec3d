import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { randomUUID } from "node:crypto";
import { BRIDGE_CHANNELS, MAX_CLIPBOARD_CHARS, type SessionView, type TandemDesktopBridge, type Tool } from "../src/protocol/index.js";
import { type Harness, startHarness } from "./support/broker-harness.js";
import { createElectronDouble, type ElectronDouble } from "./support/electron-double.js";

/**
 * The desktop app's main process and preload, the real files, run under a
 * scripted double of Electron's API (its binary cannot run here): app events
 * in the orders macOS and Windows produce them, the real preload's bridge
 * calling main's real IPC handlers, and a real broker whose signed grants
 * main checks before its own consent dialog.
 */
const REVOKE_HOTKEY = "CommandOrControl+Alt+Shift+Escape";
const realPlatform = process.platform;

describe("the desktop app's main process under an Electron double", () => {
  let h: Harness;
  let dir: string;
  let origin: string;
  const saved = { argv: process.argv, env: { ...process.env } };
  beforeAll(async () => {
    h = await startHarness();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "tandem-main-"));
    fs.writeFileSync(path.join(dir, "ca.crt"), h.ca);
    // A stand-in for the UI the app ships (scripts/build-app.mjs builds the real one into the app).
    fs.mkdirSync(path.join(dir, "ui", "renderer"), { recursive: true });
    fs.writeFileSync(path.join(dir, "ui", "renderer", "index.html"), "<!doctype html><title>Tandem</title>");
    fs.writeFileSync(path.join(dir, "secret.txt"), "outside the UI folder");
    // The name the broker's certificate and its grants' issuer carry.
    origin = h.httpsOrigin.replace("127.0.0.1", "localhost");
  });
  afterAll(async () => {
    await h.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  let warnings: string[] = [];
  afterEach(() => {
    vi.restoreAllMocks();
    process.argv = saved.argv;
    process.env = { ...saved.env };
    vi.doUnmock("electron");
    vi.doUnmock("electron-updater");
  });

  /** Starts main.ts afresh; `beforeReady` runs between the module's start and app.whenReady() (a cold start's events). */
  async function launch(o: { argv?: string[]; packaged?: boolean; platform?: NodeJS.Platform; beforeReady?: (d: ElectronDouble) => void } = {}): Promise<ElectronDouble> {
    vi.resetModules();
    // Main reports what it could not do (here: the device sign-in, with no IdP behind this broker) on the console: kept, not printed.
    warnings = [];
    vi.spyOn(console, "warn").mockImplementation((...args: unknown[]) => void warnings.push(args.map(String).join(" ")));
    const userData = fs.mkdtempSync(path.join(dir, "user-"));
    const d = createElectronDouble({ userData, packaged: o.packaged });
    vi.doMock("electron", () => d.module);
    vi.doMock("electron-updater", () => d.updaterModule);
    process.env.TANDEM_BROKER_URL = origin;
    process.env.TANDEM_BROKER_CA_FILE = path.join(dir, "ca.crt");
    process.env.TANDEM_APP_UI_DIR = path.join(dir, "ui");
    process.argv = [process.argv[0]!, "tandem", ...(o.argv ?? [])];
    // main reads the platform once, as it starts (macOS and Windows order their app events differently).
    Object.defineProperty(process, "platform", { value: o.platform ?? realPlatform, configurable: true });
    try {
      await import("../src/main/main.js");
    } finally {
      Object.defineProperty(process, "platform", { value: realPlatform, configurable: true });
    }
    o.beforeReady?.(d);
    d.ready();
    await vi.waitFor(() => expect(d.windows()[0]?.loaded.length).toBeGreaterThan(0), { timeout: 10_000 });
    expect(d.record.errorBoxes).toEqual([]);
    return d;
  }

  /** The real preload, loaded against the same double: what the page sees as window.tandemDesktop. */
  async function preloadOf(d: ElectronDouble): Promise<TandemDesktopBridge> {
    d.setFrame({ url: d.windows()[0]!.loaded.at(-1)!, parent: null });
    await import("../src/preload/preload.js");
    return d.exposed.tandemDesktop as TandemDesktopBridge;
  }

  /** A live session where the helper asked for control: the sharer's grant from the broker. */
  async function controlOffer() {
    const helper = await h.signIn("hugo", { name: "Hugo Moreau" });
    const sharer = await h.signIn("sam");
    const created = await helper.request({ type: "session.create" }, "session.created");
    await sharer.request({ type: "session.join", code: created.code }, "session.joined");
    helper.send({ type: "session.request", sessionId: created.session.sessionId, level: "control" });
    return { sessionId: created.session.sessionId, grant: (await sharer.next("session.control_grant")).grant };
  }
  const appPage = (pending: { code: string }) => `app://tandem/renderer/index.html?broker=${encodeURIComponent(origin)}&code=${pending.code}`;
  const view = (sessionId: string, patch: Partial<SessionView> = {}): SessionView => ({ sessionId, status: "active", level: "control", requestedLevel: null, paused: false, endReason: null, tools: [], toolsOff: [], ...patch });
  const move = { t: "move", x: 0.5, y: 0.5 } as const;
  const inputsToAgent = (d: ElectronDouble) => d.record.toAgent.filter((m) => (m as { type: string }).type === "input");

  it("opens a tandem:// link that arrives before ready (a macOS cold start) once the window exists", async () => {
    const d = await launch({ beforeReady: (d) => d.openUrl("tandem://join?code=ABCD-2345") });
    expect(d.windows()).toHaveLength(1);
    expect(d.windows()[0]!.loaded).toEqual([appPage({ code: "abcd2345" })]);
  });

  it("loads the UI the app ships from its own scheme, never from the broker, under a policy that reaches only the broker", async () => {
    const d = await launch();
    expect(d.schemes.privileged).toEqual([expect.objectContaining({ scheme: "app", privileges: expect.objectContaining({ standard: true, secure: true }) })]);
    const serve = d.schemes.handlers.get("app")!;
    const page = await serve({ url: d.windows()[0]!.loaded[0]! });
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(page.headers.get("content-security-policy")).toContain(`connect-src 'self' ${origin} ${origin.replace("https", "wss")}`);
    expect(await page.text()).toContain("<title>Tandem</title>");
    for (const url of ["app://tandem/../secret.txt", "app://tandem/%2e%2e/secret.txt", "app://tandem/renderer/missing.js", "app://elsewhere/renderer/index.html"]) expect((await serve({ url })).status, url).toBe(404);
    // Navigation stays in the app: the broker's own sharer page is outside it.
    const prevented: string[] = [];
    d.windows()[0]!.webContents.emit("will-navigate", { preventDefault: () => prevented.push("x") }, `${origin}/s`);
    expect(prevented).toHaveLength(1);
  });

  it("takes a code from the command line, then a second instance's code, bringing the window forward", async () => {
    const d = await launch({ argv: ["--code", "wxyz6789"] });
    const window = d.windows()[0]!;
    expect(window.loaded).toEqual([appPage({ code: "wxyz6789" })]);
    d.secondInstance(["tandem", "tandem://join?code=abcd2345"]);
    expect(window.loaded.at(-1)).toBe(appPage({ code: "abcd2345" }));
    expect(window.focused).toBe(1);
    d.secondInstance(["tandem", "tandem://settings"]);
    expect(window.loaded.at(-1)).toContain("launchError=");
  });

  it("runs the real preload against main: control only after the sharer's Allow in main's dialog, for the broker's signed grant", async () => {
    const d = await launch();
    const bridge = await preloadOf(d);
    expect(await bridge.displays()).toEqual([expect.objectContaining({ id: "1", current: true })]);
    const { sessionId, grant } = await controlOffer();

    bridge.sessionChanged(view(sessionId), "Hugo Moreau");
    bridge.input(sessionId, move);
    expect(inputsToAgent(d)).toEqual([]);
    expect(d.record.toAgent.at(-1)).toEqual({ type: "grant", sessionId, level: "view", paused: false });

    d.answerDialogs(0); // Don't allow
    expect(await bridge.confirmControl(grant)).toBe(false);
    const fresh = await controlOffer();
    bridge.sessionChanged(view(fresh.sessionId), "Hugo Moreau");
    d.answerDialogs(1); // Allow
    expect(await bridge.confirmControl(fresh.grant)).toBe(true);
    // Main's own dialog, in the sharer's language (the double's locale is French), named the helper.
    expect(d.record.dialogs.at(-1)).toMatchObject({ message: "Hugo Moreau demande à contrôler votre souris et votre clavier", cancelId: 0 });
    bridge.input(fresh.sessionId, move);
    expect(inputsToAgent(d)).toEqual([{ type: "input", sessionId: fresh.sessionId, event: move }]);
    // The tray speaks the sharer's language too (the pages' locale files).
    expect(d.record.trayTooltips.at(-1)).toBe("Tandem : Hugo Moreau contrôle votre écran");

    // The revoke hotkey: the agent releases everything, the page hears of it, and the page cannot widen control again.
    d.pressShortcut(REVOKE_HOTKEY);
    expect(d.record.toAgent.at(-1)).toEqual({ type: "revoke" });
    expect(d.windows()[0]!.sent.map(([channel]) => channel)).toContain(BRIDGE_CHANNELS.revokeHotkey);
    bridge.sessionChanged(view(fresh.sessionId), "Hugo Moreau");
    bridge.input(fresh.sessionId, move);
    expect(inputsToAgent(d)).toHaveLength(1);

    // A helper's offer: the OS's notification in the sharer's language, and the window comes forward (again on a click).
    const focusedBefore = d.windows()[0]!.focused;
    bridge.offered({ name: "Hugo Moreau", company: "Northwind Traders" });
    expect(d.record.notifications.map(({ title, body }) => ({ title, body }))).toEqual([{ title: "Tandem", body: "Hugo Moreau (Northwind Traders) souhaite vous aider" }]);
    expect(d.windows()[0]!).toMatchObject({ shown: true, focused: focusedBefore + 1 });
    d.record.notifications[0]!.clicked();
    expect(d.windows()[0]!.focused).toBe(focusedBefore + 2);

    // From an iframe the bridge refuses before any check.
    d.setFrame({ url: d.windows()[0]!.loaded.at(-1)!, parent: {} });
    await expect(bridge.confirmControl(grant)).rejects.toMatchObject({ code: "forbidden" });
    expect(warnings.filter((w) => w.startsWith("bridge refused"))).toHaveLength(1);
  });

  it("draws the helper's strokes in main's own click-through overlay, writes the clipboard after main's own prompt, and saves a sent file only under a safe name", async () => {
    const d = await launch();
    const bridge = await preloadOf(d);
    const sessionId = randomUUID();
    const tools = { tools: ["annotate", "clipboard", "files"] as Tool[], toolsOff: [] as Tool[] };
    bridge.sessionChanged(view(sessionId, { level: "view", ...tools }), "Hugo Moreau");
    const windowsBefore = d.windows().length;
    bridge.annotate(sessionId, { t: "begin", id: 1, shape: "rect", x: 0.25, y: 0.25 });
    bridge.annotate(sessionId, { t: "extend", id: 1, points: [[0.5, 0.5]] });
    const overlay = d.windows()[windowsBefore]!;
    // Over the one display: transparent, click-through, never focused, no preload, kept out of the capture, only the app's own overlay page.
    expect(overlay.options).toMatchObject({ transparent: true, focusable: false, frame: false, alwaysOnTop: true, skipTaskbar: true, x: 0, y: 0, width: 1920, height: 1080 });
    expect((overlay.options as { webPreferences: object }).webPreferences).toMatchObject({ sandbox: true, contextIsolation: true, nodeIntegration: false });
    expect((overlay.options as { webPreferences: object }).webPreferences).not.toHaveProperty("preload");
    expect(overlay).toMatchObject({ ignoresMouse: true, contentProtected: true, loaded: ["app://tandem/overlay/index.html"] });
    overlay.webContents.emit("did-finish-load");
    await vi.waitFor(() => expect(overlay.executed).toHaveLength(2));
    expect(overlay.executed[0]).toBe('window.tandemOverlay && window.tandemOverlay.apply({"t":"begin","id":1,"shape":"rect","x":0.25,"y":0.25})');
    // Not an annotation, or another session's: nothing drawn. Drawing is never input: the agent got none.
    bridge.annotate(sessionId, { t: "move", x: 0.5, y: 0.5 } as never);
    bridge.annotate(randomUUID(), { t: "clear" });
    await new Promise((r) => setTimeout(r, 20));
    expect(overlay.executed).toHaveLength(2);
    expect(inputsToAgent(d)).toEqual([]);
    // Paused: the overlay goes at once.
    bridge.sessionChanged(view(sessionId, { level: "view", paused: true, ...tools }), "Hugo Moreau");
    expect(overlay.destroyed).toBe(true);

    // The clipboard: main's own prompt (in French here), once per direction; the agent writes it.
    bridge.sessionChanged(view(sessionId, { level: "view", ...tools }), "Hugo Moreau");
    d.answerDialogs(1);
    const answerAgent = async (ok: boolean) => {
      await vi.waitFor(() => expect(d.record.toAgent.some((m) => (m as { type: string }).type.startsWith("clipboard_"))).toBe(true));
      const asked = d.record.toAgent.filter((m) => (m as { type: string }).type.startsWith("clipboard_")).at(-1) as { id: number; type: string; text?: string };
      d.agent.emit("message", { type: "clipboard", id: asked.id, ok, ...(asked.type === "clipboard_read" ? { text: "C:\\Users\\sam" } : {}) });
      return asked;
    };
    const written = bridge.clipboardWrite(sessionId, "ping 10.0.0.1");
    expect(await answerAgent(true)).toMatchObject({ type: "clipboard_write", sessionId, text: "ping 10.0.0.1" });
    expect(await written).toBe("completed");
    expect(d.record.dialogs.at(-1)).toMatchObject({ message: "Hugo Moreau veut mettre du texte dans votre presse-papiers", cancelId: 0, defaultId: 0 });
    const dialogs = d.record.dialogs.length;
    const again = bridge.clipboardWrite(sessionId, "second");
    await answerAgent(true);
    expect(await again).toBe("completed");
    expect(d.record.dialogs).toHaveLength(dialogs); // asked once for this direction
    d.answerDialogs(0); // the other direction: Don't allow
    expect(await bridge.clipboardRead(sessionId)).toBeNull();
    expect(d.record.dialogs).toHaveLength(dialogs + 1);
    // Off by the sharer, or too long: refused before any prompt or agent.
    bridge.sessionChanged(view(sessionId, { level: "view", tools: tools.tools, toolsOff: ["clipboard"] }), "Hugo Moreau");
    expect(await bridge.clipboardWrite(sessionId, "x")).toBe("failed");
    bridge.sessionChanged(view(sessionId, { level: "view", ...tools }), "Hugo Moreau");
    expect(await bridge.clipboardWrite(sessionId, "x".repeat(MAX_CLIPBOARD_CHARS + 1))).toBe("failed");
    expect(d.record.toAgent.filter((m) => (m as { type: string }).type === "clipboard_write")).toHaveLength(2);

    // A file the helper sent: saved where the sharer chooses, in Downloads, under a safe name; nothing else downloads.
    const saved: string[] = [];
    let refused = 0;
    const download = (url: string, name: string) =>
      d.record.willDownload!({ preventDefault: () => void refused++ }, { getURL: () => url, getFilename: () => name, setSaveDialogOptions: (o) => void saved.push(o.defaultPath) });
    download("blob:app://tandem/6f1c7a52-0000-4000-8000-000000000000", "../../.ssh/authorized_keys");
    download("blob:app://tandem/6f1c7a52-0000-4000-8000-000000000001", "invoice\u202Efdp.exe");
    download("https://evil.test/payload.exe", "payload.exe");
    expect(saved.map((p) => path.basename(p))).toEqual(["authorized_keys", "invoicefdp.exe"]);
    expect(saved.every((p) => path.dirname(p) === path.dirname(saved[0]!))).toBe(true);
    expect(refused).toBe(1);
  });

  it("restarts a crashed agent with the gate closed, follows display changes, and releases keys on quit", async () => {
    const d = await launch();
    const bridge = await preloadOf(d);
    const { sessionId, grant } = await controlOffer();
    bridge.sessionChanged(view(sessionId), "Hugo Moreau");
    d.answerDialogs(1);
    expect(await bridge.confirmControl(grant)).toBe(true);
    bridge.input(sessionId, move);
    expect(inputsToAgent(d)).toHaveLength(1);

    d.agent.emit("exit", 1);
    expect(d.record.toAgent.slice(-2).map((m) => (m as { type: string }).type)).toEqual(["revoke", "display"]);
    bridge.input(sessionId, move);
    expect(inputsToAgent(d)).toHaveLength(1); // a new Allow is needed after the crash

    const displays = d.record.toAgent.filter((m) => (m as { type: string }).type === "display").length;
    d.module.screen.emit("display-metrics-changed");
    expect(d.record.toAgent.filter((m) => (m as { type: string }).type === "display")).toHaveLength(displays + 1);

    d.module.app.emit("will-quit");
    expect(d.record.toAgent.at(-1)).toEqual({ type: "revoke" });
    expect(d.record.agentKilled).toBe(true);
  });

  it("on macOS keeps running when the window is closed (control stopped at once), and a link or the Dock brings a window back", async () => {
    const d = await launch({ platform: "darwin" });
    // The on-top strip is a window too; these are the sharer's.
    const sharerWindows = (d: ElectronDouble) => d.windows().filter((w) => (w.options.webPreferences as { preload?: string } | undefined)?.preload);
    const bridge = await preloadOf(d);
    const { sessionId, grant } = await controlOffer();
    bridge.sessionChanged(view(sessionId), "Hugo Moreau");
    d.answerDialogs(1);
    expect(await bridge.confirmControl(grant)).toBe(true);
    sharerWindows(d)[0]!.emit("closed");
    expect(d.record.toAgent.at(-1)).toEqual({ type: "revoke" });
    bridge.input(sessionId, move);
    expect(inputsToAgent(d)).toEqual([]);
    d.module.app.emit("window-all-closed");
    expect(d.record.agentKilled).toBe(false); // macOS: the app stays
    d.openUrl("tandem://join?code=abcd2345");
    expect(sharerWindows(d)).toHaveLength(2);
    expect(sharerWindows(d)[1]!.loaded).toEqual([appPage({ code: "abcd2345" })]);
    d.module.app.emit("activate"); // a window is open: nothing more
    expect(sharerWindows(d)).toHaveLength(2);
    sharerWindows(d)[1]!.emit("closed");
    d.module.app.emit("activate");
    expect(sharerWindows(d)).toHaveLength(3);
  });

  it("on Windows quits when the window is closed, releasing keys", async () => {
    const d = await launch({ platform: "win32" });
    d.windows()[0]!.emit("closed");
    d.module.app.emit("window-all-closed");
    expect(d.record.agentKilled).toBe(true);
  });

  it("holds an update downloaded mid-session until the session ends", async () => {
    const d = await launch({ packaged: true });
    const bridge = await preloadOf(d);
    const { sessionId } = await controlOffer();
    bridge.sessionChanged(view(sessionId, { level: "view" }), "Hugo Moreau");
    d.autoUpdater.emit("update-downloaded");
    expect(d.record.quitAndInstall).toBe(0);
    bridge.sessionChanged(view(sessionId, { status: "ended", endReason: "sharer_ended" }), null);
    expect(d.record.quitAndInstall).toBe(1);
  });
});
