import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { app, BrowserWindow, desktopCapturer, dialog, globalShortcut, ipcMain, Menu, nativeImage, Notification, protocol, safeStorage, screen, session, shell, systemPreferences, Tray, utilityProcess } from "electron";
import { askToBeListed, reopenArgs } from "./permission-requests.js";
import electronUpdater from "electron-updater";
import { BRIDGE_CHANNELS, CONTROL_GRANT_KEYS_PATH, type SessionView } from "../protocol/index.js";
import { caTrustingNetworkClient } from "../node-shared/ca-network-client.js";
import { ALLOW_BUTTON, clipboardDialog, consentDialog } from "./consent-prompt.js";
import { shellLanguage } from "./shell-language.js";
import { shellText } from "./shell-strings.js";
import { createControlConsent } from "./control-consent.js";
import { type IpcMainLike, registerBridge } from "./bridge-channels.js";
import { parseDeepLink, parseLaunchArgs, PROTOCOL_SCHEME, type LaunchRequest } from "./deep-link.js";
import { createDesktopSignIn, signInFrom } from "./desktop-sign-in.js";
import { identityFromKey, loadOrCreateIdentity, newDeviceKey } from "./device-identity.js";
import { needsRegistration, registerDevice, type Registration } from "./device-enrollment.js";
import { agentBounds, chosenDisplay, displayChoices } from "./display-mapping.js";
import { createInputRelay } from "./input-relay.js";
import { readManagedConfig, systemSources } from "./managed-config.js";
import { secureFile } from "./secure-file.js";
import { createUpdateGate, updateFeed } from "./update-policy.js";
import { createSharerWindow, openExternally, openOverlayWindow, SETTINGS_PANE_URLS, type WindowConstructor } from "./window-policy.js";
import { indicatorStrip } from "./indicator-strip.js";
import { createAnnotationOverlays } from "./annotation-overlays.js";
import { createClipboardRelay } from "./clipboard-relay.js";
import { APP_SCHEME_PRIVILEGES, appPageUrl, isAppUrl } from "./shipped-ui.js";
import { fencePageSession } from "./page-session-fences.js";
import { superviseAgent } from "./agent-supervisor.js";
import { showOfferNotice } from "./offer-notice.js";

/**
 * The desktop app's main process: Electron plumbing only. Every decision it
 * makes is a function in this folder, tested without Electron
 * (test/main-*.test.ts, test/desktop-*.test.ts); this file wires them to
 * Electron's APIs and cannot run on a machine without the Electron binary.
 */
const REVOKE_HOTKEY = "CommandOrControl+Alt+Shift+Escape";
const platform = process.platform as "darwin" | "win32" | "linux";

/** The app's only way to hand something to the OS to open; refuses all but web links and the settings panes. */
async function openOutside(url: string): Promise<void> {
  if (openExternally(url)) await shell.openExternal(url);
}

// The shipped UI's scheme must be known before the app is ready.
protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);

if (!app.requestSingleInstanceLock()) app.quit();
else
  start().catch((error: unknown) => {
    dialog.showErrorBox(shellText(app.getLocale())("shell.couldNotStart"), error instanceof Error ? error.message : String(error));
    app.exit(1);
  });

async function start() {
  let pending: LaunchRequest = parseLaunchArgs(process.argv);
  // Links can arrive before the window exists (macOS sends open-url before ready on a cold start): until then they only set `pending`.
  let window: BrowserWindow | null = null;
  let started = false;
  app.setAsDefaultProtocolClient(PROTOCOL_SCHEME);
  app.on("open-url", (event, url) => {
    event.preventDefault();
    openCode(parseDeepLink(url));
  });
  app.on("second-instance", (_event, argv) => openCode(parseLaunchArgs(argv)));
  await app.whenReady();

  const managed = await readManagedConfig(await systemSources(platform));
  for (const problem of managed.problems) console.warn(`managed configuration: ${problem}`);
  const brokerOrigin = new URL(managed.config.BrokerUrl ?? process.env.TANDEM_BROKER_URL ?? "https://127.0.0.1:8443").origin;
  // A developer's broker (npm start) signs with its local CA: TANDEM_BROKER_CA_FILE=data/tls/ca.crt.
  const brokerCa = managed.config.BrokerCa ?? (process.env.TANDEM_BROKER_CA_FILE ? fs.readFileSync(process.env.TANDEM_BROKER_CA_FILE, "utf8") : undefined);
  const ca = brokerCa ? { ca: brokerCa } : {};
  const userData = app.getPath("userData");

  // Sign-in (msal public client, system browser + loopback), cache in the keystore.
  const signIn = createDesktopSignIn(
    signInFrom(managed.config, brokerOrigin, brokerCa),
    { cache: secureFile(path.join(userData, "sign-in.bin"), safeStorage), openBrowser: openOutside },
  );
  const accessToken = async () => (await signIn.silentToken()) ?? (await signIn.interactiveToken()).accessToken;

  // Device identity, registered once with the managed enrollment token. Without a keystore (some Linux
  // desktops) the key lives for this run only: nothing secret is written in the clear.
  const identity = await loadOrCreateIdentity(secureFile(path.join(userData, "device-key.bin"), safeStorage)).then(
    (stored) => stored.identity,
    async (error: unknown) => (console.warn("device key not kept:", error), identityFromKey(newDeviceKey())),
  );
  const registrationFile = secureFile(path.join(userData, "registration.bin"), safeStorage);
  const facts = { platform: ({ darwin: "macos", win32: "windows", linux: "linux" } as const)[platform], osVersion: os.release(), appVersion: app.getVersion() };
  // The page proves the device only once the broker knows it; until then it connects as the web page would.
  let registered = false;
  const registration = (async () => {
    const previous = JSON.parse((await registrationFile.read().catch(() => null)) ?? "null") as (Registration & { brokerOrigin: string }) | null;
    if (!needsRegistration(previous, brokerOrigin, identity.id, Boolean(managed.config.EnrollmentToken))) return void (registered = true);
    const wsUrl = `${brokerOrigin.replace(/^http/, "ws")}/ws`;
    const result = await registerDevice({ wsUrl, ...ca, accessToken: await accessToken(), identity, name: os.hostname(), facts, ...(managed.config.EnrollmentToken ? { enrollmentToken: managed.config.EnrollmentToken } : {}) });
    registered = true;
    await registrationFile.write(JSON.stringify({ ...result, brokerOrigin })).catch((error: unknown) => console.warn("registration not kept:", error));
  })().catch((error: unknown) => console.warn("device registration failed; the app works as the web page does until it succeeds:", error));

  // The input agent in its own process; main's relay gates what reaches it. A restarted agent starts with the gate closed.
  const language = shellLanguage(path.join(userData, "language"), () => app.getLocale());
  const agentLink = superviseAgent(() => utilityProcess.fork(path.join(__dirname, "agent.cjs"), [], { serviceName: "Tandem input agent" }), () => {
    relay.revoke();
    sendDisplay();
  });
  const relay = createInputRelay(agentLink);
  // Control needs the sharer's Allow in main's own dialog, for a grant the broker signed.
  const keysUrl = `${brokerOrigin}${CONTROL_GRANT_KEYS_PATH}`;
  const consent = createControlConsent({
    issuer: brokerOrigin,
    fetchKeys: async () => (brokerCa ? (await caTrustingNetworkClient(brokerCa).sendGetRequestAsync(keysUrl)).body : (await fetch(keysUrl)).json()),
    ask: async ({ helper }) => {
      const options = consentDialog(helper, language.locale, platform === "darwin" ? "⌘⌥⇧Esc" : "Ctrl+Alt+Shift+Esc");
      return (await (window ? dialog.showMessageBox(window, options) : dialog.showMessageBox(options))).response === ALLOW_BUTTON;
    },
    relay,
    log: (refusal, detail) => console.warn(`control not offered to the sharer: ${refusal} ${detail}`),
  });
  let chosenDisplayId: number | null = null;
  const sendDisplay = () => {
    const display = chosenDisplay(screen.getAllDisplays(), chosenDisplayId, screen.getPrimaryDisplay().id);
    if (display) agentLink.send({ type: "display", bounds: agentBounds(display, platform, (b) => screen.dipToScreenRect(null, b)) });
  };
  // The helper's drawing over the real screen (overlay windows of main's own), and the clipboard after the sharer's yes in main's prompt.
  const displayAreas = () => screen.getAllDisplays().map((d) => ({ id: d.id, bounds: d.bounds }));
  const overlays = createAnnotationOverlays({ open: (d) => openOverlayWindow(BrowserWindow as WindowConstructor<BrowserWindow>, d.bounds), displays: displayAreas, sharedDisplayId: () => chosenDisplayId ?? screen.getPrimaryDisplay().id });
  const clipboard = createClipboardRelay({ agent: agentLink, ask: async (r) => (await dialog.showMessageBox(clipboardDialog(r.direction, r.helperName, language.locale))).response === ALLOW_BUTTON });
  screen.on("display-metrics-changed", sendDisplay);
  screen.on("display-removed", sendDisplay);
  sendDisplay();

  // Fences for everything the page's session can ask for.
  fencePageSession(session.defaultSession, {
    brokerOrigin,
    brokerCa,
    // TANDEM_APP_UI_DIR: a developer's fresh build of the UI (tests use it too); otherwise the copy inside the signed app.
    uiRoot: process.env.TANDEM_APP_UI_DIR ?? path.join(__dirname, "ui"),
    downloadsDir: app.getPath("downloads"),
    screenSource: async () => {
      const sources = await desktopCapturer.getSources({ types: ["screen"] });
      const display = chosenDisplay(screen.getAllDisplays(), chosenDisplayId, screen.getPrimaryDisplay().id);
      const source = sources.find((s) => s.display_id === String(display?.id)) ?? sources[0];
      if (source) {
        chosenDisplayId = display?.id ?? null;
        sendDisplay();
      }
      return source;
    },
  });

  /** The sharer window, fenced; closing it stops control at once (its page, and with it the session's connection, is gone). */
  function openWindow(): BrowserWindow {
    const made = createSharerWindow(BrowserWindow as WindowConstructor<BrowserWindow>, path.join(__dirname, "preload.cjs"));
    made.webContents.on("will-navigate", (event, url) => {
      if (!isAppUrl(url)) event.preventDefault();
    });
    made.webContents.on("will-attach-webview", (event) => event.preventDefault());
    made.webContents.setWindowOpenHandler(({ url }) => {
      void openOutside(url);
      return { action: "deny" };
    });
    made.once("ready-to-show", () => made.show());
    made.on("closed", () => {
      if (window === made) window = null;
      relay.sessionChanged(null);
      sharing(null, null);
    });
    void made.loadURL(sharerPageUrl());
    return made;
  }
  const toPage = (channel: string) => window?.webContents.send(channel);

  registerBridge(
    ipcMain as unknown as IpcMainLike,
    {
      accessToken,
      proveDevice: async (nonce, userId) => (await registration, registered ? { deviceId: identity.id, signature: identity.prove(nonce, userId), facts } : null),
      relay,
      overlays,
      clipboard,
      helping: (view, helperName) => sharing(view, helperName),
      permissions: () => agentLink.probePermissions(),
      openPermissionSettings: async (pane) => {
        if (platform !== "darwin") return;
        // Ask first, so Tandem is in the list the pane shows.
        await askToBeListed(platform, pane, {
          isTrustedAccessibilityClient: (prompt) => systemPreferences.isTrustedAccessibilityClient(prompt),
          touchScreenCapture: async () => void (await desktopCapturer.getSources({ types: ["screen"], thumbnailSize: { width: 1, height: 1 } })),
        });
        await openOutside(SETTINGS_PANE_URLS[pane]);
      },
      reopen: async (code) => {
        agentLink.stop();
        relay.revoke();
        app.relaunch({ args: reopenArgs(process.argv.slice(1), code) });
        app.exit(0);
      },
      displays: async () => displayChoices(screen.getAllDisplays(), await desktopCapturer.getSources({ types: ["screen"] }), screen.getPrimaryDisplay().id, chosenDisplayId),
      confirmControl: async (grant) => (await consent.confirm(grant)).allowed,
      // A helper's offer: the OS's own notification, and the window brought forward (clicking the notification does too).
      offered: (helper) => showOfferNotice(Notification, shellText(language.locale)("sharer.offerTitle", helper), bringForward),
      languageChosen: (code) => {
        language.choose(code);
        sharing(...shown); // the tray and the strip in the new language at once
      },
      selectDisplay: async (id) => {
        const display = screen.getAllDisplays().find((d) => String(d.id) === id);
        if (!display) return false;
        chosenDisplayId = display.id; // the page's next getDisplayMedia gets this screen; the agent's bounds follow then
        return true;
      },
    },
    (url) => isAppUrl(url),
    (refusal) => console.warn(`bridge refused: ${refusal.message}`),
  );

  // The revoke hotkey works whatever has focus.
  globalShortcut.register(REVOKE_HOTKEY, () => {
    relay.revoke();
    toPage(BRIDGE_CHANNELS.revokeHotkey);
  });

  // Tray with status and Stop sharing; the on-top strip while someone helps.
  const tray = new Tray(nativeImage.createFromPath(path.join(__dirname, "tray.png")));
  const strip = indicatorStrip(BrowserWindow, () => screen.getPrimaryDisplay().workArea);
  // Stop closes main's gate at once; the page then ends the session at the broker.
  const stop = () => (relay.revoke(), toPage(BRIDGE_CHANNELS.stopRequested));
  let shown: [SessionView | null, string | null] = [null, null];
  function sharing(view: SessionView | null, helperName: string | null) {
    shown = [view, helperName];
    const t = shellText(language.locale);
    const running = view !== null && view.status !== "ended" && view.status !== "created";
    updates.sessionRunning(running);
    const helper = view?.status === "active" ? (helperName ?? t("shell.yourHelper")) : null;
    tray.setToolTip(helper ? t(view?.level === "control" ? "shell.tooltipControl" : "shell.tooltipView", { name: helper }) : "Tandem");
    tray.setContextMenu(
      Menu.buildFromTemplate([
        { label: helper ? t("shell.beingHelped", { name: helper }) : t("shell.notSharing"), enabled: false },
        { label: t("shell.stopSharing"), enabled: Boolean(helper), click: stop },
        { type: "separator" },
        { label: t("shell.quit"), click: () => app.quit() },
      ]),
    );
    strip(helper, view?.level === "control" && !view.paused, t);
  }

  // Updates from the broker's generic feed; never installed mid-session.
  const { autoUpdater } = electronUpdater;
  const updates = createUpdateGate({ quitAndInstall: () => autoUpdater.quitAndInstall() });
  if (!managed.config.DisableAutoUpdate && app.isPackaged) {
    autoUpdater.autoInstallOnAppQuit = true;
    autoUpdater.setFeedURL(updateFeed(brokerOrigin));
    autoUpdater.on("update-downloaded", () => updates.updateDownloaded());
    void autoUpdater.checkForUpdates().catch((error: unknown) => console.warn("update check failed", error));
  }
  sharing(null, null);

  /** The window to the front, opened again if it was closed. */
  function bringForward() {
    window ??= openWindow();
    window.show();
    window.focus();
  }

  function openCode(request: LaunchRequest) {
    pending = request;
    if (!window) {
      // Before ready the first window loads with `pending`; after its window was closed (macOS keeps the app), a link opens one.
      if (started) window = openWindow();
      return;
    }
    if (window.isMinimized()) window.restore();
    window.focus();
    void window.loadURL(sharerPageUrl());
  }
  const sharerPageUrl = () => appPageUrl(brokerOrigin, pending);
  window = openWindow();
  started = true;
  // macOS: the app stays when its window closes; the Dock icon brings a window back. Elsewhere closing it quits.
  app.on("activate", () => {
    if (!window) window = openWindow();
  });
  app.on("window-all-closed", () => {
    if (platform !== "darwin") app.quit();
  });
  app.on("will-quit", () => {
    globalShortcut.unregisterAll();
    relay.revoke();
    overlays.close();
    agentLink.stop();
  });
}
