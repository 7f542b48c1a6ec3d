import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { build, buildBinary } from "plist";
import { describe, expect, it } from "vitest";
import { parseDeepLink, parseLaunchArgs } from "../src/main/deep-link.js";
import { agentBounds, chosenDisplay, displayChoices, type ElectronDisplay } from "../src/main/display-mapping.js";
import { BUNDLE_ID, jsonFallbackPath, type ManagedConfigSources, parseRegQuery, POLICY_KEY, readManagedConfig } from "../src/main/managed-config.js";
import { createUpdateGate, updateFeed } from "../src/main/update-policy.js";
import { createIndicatorWindow, createOverlayWindow, createSharerWindow, indicatorHtml, OVERLAY_PAGE, openExternally, openOverlayWindow, permissionAllowed } from "../src/main/window-policy.js";
import { appFile, appPageCsp, appPageUrl, isAppUrl } from "../src/main/shipped-ui.js";
import { shellText } from "../src/main/shell-strings.js";
import { pointOnDisplay } from "../src/protocol/index.js";
import { ProtocolMode } from "@azure/msal-node";
import { desktopMsalConfig, signInFrom } from "../src/main/desktop-sign-in.js";
import { issuedByPrivateCa } from "../src/main/private-ca.js";
import { loadOrCreateLocalTls } from "../src/server/tls/local-ca.js";

/** Main's decisions, without Electron: each is what main.ts hands to an Electron API. */
const BROKER = "https://tandem.northwind.test";

describe("the sharer window and what it may do", () => {
  it("is isolated, sandboxed, without Node, and the indicator strip stays on top without taking focus", () => {
    const built: Record<string, unknown>[] = [];
    class Recorder {
      constructor(options: Record<string, unknown>) {
        built.push(options);
      }
    }
    createSharerWindow(Recorder, "/app/preload.cjs");
    createIndicatorWindow(Recorder, { x: 1920, y: 0, width: 2560 });
    const [sharer, strip] = built as [{ webPreferences: Record<string, unknown> }, { webPreferences: Record<string, unknown> }];
    const locked = { contextIsolation: true, sandbox: true, nodeIntegration: false, nodeIntegrationInWorker: false, nodeIntegrationInSubFrames: false, webSecurity: true, allowRunningInsecureContent: false, webviewTag: false, experimentalFeatures: false, disableBlinkFeatures: "Auxclick" };
    expect(sharer.webPreferences).toMatchObject({ preload: "/app/preload.cjs", ...locked });
    expect(sharer.webPreferences).not.toHaveProperty("enableBlinkFeatures");
    expect(strip).toMatchObject({ alwaysOnTop: true, focusable: false, frame: false, skipTaskbar: true, x: 1920 + (2560 - 420) / 2, y: 8 });
    expect(strip.webPreferences).toMatchObject({ ...locked, javascript: false });
    expect(strip.webPreferences).not.toHaveProperty("preload");
    const html = indicatorHtml(`Hugo <img src=x onerror=alert(1)> "Moreau"`, true);
    expect(html).toContain("<bdi>Hugo &#60;img src=x onerror=alert(1)&#62; &#34;Moreau&#34;</bdi> is controlling your screen · Tandem");
    expect(html).not.toContain("<img");
    expect(html).not.toContain("<script");
    // In the sharer's language, right to left in Arabic (the strings are the pages' locale files).
    expect(indicatorHtml("Hugo", false, shellText("fr-CA"))).toContain("<bdi>Hugo</bdi> voit votre écran · Tandem");
    const arabic = indicatorHtml("Hugo", true, shellText("ar"));
    expect(arabic).toContain('dir="rtl"');
    expect(arabic).toContain("يتحكم <bdi>Hugo</bdi> في شاشتك · Tandem");
    expect(shellText("tlh")("shell.stopSharing")).toBe("Stop sharing");
  });

  it("draws the helper's strokes in an overlay that is click-through, never focused, without preload or Node, kept out of capture, showing only the app's own page", async () => {
    const built: Record<string, unknown>[] = [];
    class Recorder {
      constructor(options: Record<string, unknown>) {
        built.push(options);
      }
    }
    createOverlayWindow(Recorder, { x: 1920, y: 0, width: 2560, height: 1440 });
    const [overlay] = built as [{ webPreferences: Record<string, unknown> }];
    expect(overlay).toMatchObject({ x: 1920, y: 0, width: 2560, height: 1440, transparent: true, frame: false, focusable: false, alwaysOnTop: true, skipTaskbar: true, resizable: false, movable: false, show: false });
    expect(overlay.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, nodeIntegrationInWorker: false, nodeIntegrationInSubFrames: false, webSecurity: true, webviewTag: false });
    expect(overlay.webPreferences).not.toHaveProperty("preload");

    // What main does with it once built: mouse passes through, on top of full-screen apps, out of screen capture, cannot navigate.
    const calls: string[] = [];
    const executed: string[] = [];
    let loaded = () => undefined as void;
    let navigate: (event: { preventDefault(): void }) => void = () => undefined;
    class Built {
      constructor(readonly options: Record<string, unknown>) {}
      setIgnoreMouseEvents = (ignore: boolean) => void calls.push(`ignoreMouse:${ignore}`);
      setAlwaysOnTop = (flag: boolean, level: string) => void calls.push(`onTop:${flag}:${level}`);
      setVisibleOnAllWorkspaces = (visible: boolean) => void calls.push(`allWorkspaces:${visible}`);
      setContentProtection = (enable: boolean) => void calls.push(`outOfCapture:${enable}`);
      loadURL = async (url: string) => void calls.push(`load:${url}`);
      showInactive = () => void calls.push("showInactive");
      destroy = () => void calls.push("destroy");
      webContents = {
        on: (_event: "will-navigate", listener: (event: { preventDefault(): void }) => void) => void (navigate = listener),
        once: (_event: "did-finish-load", listener: () => void) => void (loaded = listener),
        executeJavaScript: async (code: string) => void executed.push(code),
      };
    }
    const opened = openOverlayWindow(Built, { x: 0, y: 0, width: 1920, height: 1080 });
    expect(calls).toEqual(["ignoreMouse:true", "onTop:true:screen-saver", "allWorkspaces:true", "outOfCapture:true", `load:${OVERLAY_PAGE}`, "showInactive"]);
    expect(isAppUrl(OVERLAY_PAGE)).toBe(true);
    let prevented = false;
    navigate({ preventDefault: () => void (prevented = true) });
    expect(prevented).toBe(true);
    // Strokes before the page loaded wait for it; after, they go at once.
    opened.draw('{"t":"clear"}');
    expect(executed).toEqual([]);
    loaded();
    opened.draw('{"t":"undo"}');
    expect(executed).toEqual(['window.tandemOverlay && window.tandemOverlay.apply({"t":"clear"})', 'window.tandemOverlay && window.tandemOverlay.apply({"t":"undo"})']);
    opened.close();
    expect(calls.at(-1)).toBe("destroy");
  });

  it("navigates only within the app's own UI (never the broker's pages), opens only web links outside, grants only display capture", () => {
    const page = appPageUrl(BROKER, { code: "abcd2345" });
    expect(page).toBe("app://tandem/renderer/index.html?broker=https%3A%2F%2Ftandem.northwind.test&code=abcd2345");
    expect(isAppUrl(page)).toBe(true);
    for (const url of [`${BROKER}/s?code=abcd2345`, "app://evil/renderer/index.html", "app://user:pw@tandem/", "https://evil.test/s", "file:///etc/passwd", "javascript:alert(1)", "not a url"]) expect(isAppUrl(url), url).toBe(false);
    expect(openExternally("https://support.northwind.test/kb")).toBe(true);
    expect(openExternally("x-apple.systempreferences:com.apple.preference.security?Privacy_Accessibility")).toBe(true);
    expect(openExternally("x-apple.systempreferences:com.apple.preference.security?Privacy_AllFiles")).toBe(false);
    for (const url of ["file:///Applications/Calculator.app", "smb://host/share", "tandem://join?code=x", "ms-settings:privacy"]) expect(openExternally(url), url).toBe(false);
    expect(permissionAllowed("display-capture", "app://tandem/renderer/index.html")).toBe(true);
    for (const p of ["media", "notifications", "geolocation", "clipboard-read", "hid", "serial", "openExternal", "fullscreen"]) expect(permissionAllowed(p, "app://tandem/renderer/index.html"), p).toBe(false);
    for (const url of ["https://evil.test/", `${BROKER}/s`]) expect(permissionAllowed("display-capture", url), url).toBe(false);
  });

  it("serves the shipped UI's files and nothing else, under a policy that lets it reach only the broker", () => {
    const root = "/opt/Tandem/resources/app.asar/dist/ui";
    expect(appFile(root, "app://tandem/renderer/index.html?broker=x")).toEqual({ file: `${root}/renderer/index.html`, contentType: "text/html; charset=utf-8" });
    expect(appFile(root, "app://tandem/assets/sharer-1a2b.js")).toEqual({ file: `${root}/assets/sharer-1a2b.js`, contentType: "text/javascript; charset=utf-8" });
    for (const url of ["app://tandem/../main.cjs", "app://tandem/%2e%2e/main.cjs", "app://tandem/assets/%2e%2e%2f%2e%2e%2fmain.cjs", "app://tandem/assets/x.cjs", "app://tandem/a%00.js", "app://tandem/..%5Cmain.js", "app://other/renderer/index.html", "https://tandem.northwind.test/assets/x.js"]) {
      expect(appFile(root, url), url).toBeNull();
    }
    const csp = appPageCsp("https://tandem.northwind.test:8443");
    expect(csp).toContain("script-src 'self';");
    expect(csp).toContain("connect-src 'self' https://tandem.northwind.test:8443 wss://tandem.northwind.test:8443;");
    expect(csp).not.toMatch(/unsafe-(inline|eval)/);
  });
});

describe("launching with a code", () => {
  it("reads tandem://join links and --code, normalising the code", () => {
    expect(parseDeepLink("tandem://join?code=ABCD-2345")).toEqual({ code: "abcd2345" });
    expect(parseDeepLink("tandem:join?code=abcdo1l5")).toEqual({ code: "abcd0115" });
    expect(parseLaunchArgs(["/Applications/Tandem.app/Contents/MacOS/Tandem", "--code", "abcd 2345"])).toEqual({ code: "abcd2345" });
    expect(parseLaunchArgs(["Tandem.exe", "--code=ABCD2345"])).toEqual({ code: "abcd2345" });
    expect(parseLaunchArgs(["Tandem.exe", "--flag", "tandem://join/?code=abcd2345"])).toEqual({ code: "abcd2345" });
    expect(parseLaunchArgs(["Tandem.exe"])).toBeNull();
  });

  it("turns a bad link into words for the window, not a crash", () => {
    expect(parseDeepLink("tandem://join?code=short")).toMatchObject({ error: expect.stringContaining("not valid") });
    expect(parseDeepLink("tandem://join")).toMatchObject({ error: expect.stringContaining("no session code") });
    expect(parseDeepLink("tandem://uninstall?code=abcd2345")).toMatchObject({ error: expect.stringContaining("only join") });
    expect(parseDeepLink("https://evil.test/join?code=abcd2345")).toMatchObject({ error: expect.stringContaining("not a Tandem link") });
    expect(parseLaunchArgs(["Tandem", "--code"])).toMatchObject({ error: expect.any(String) });
  });
});

describe("which display is shared and where the helper's pointer lands", () => {
  // A 13" Retina laptop (primary, 2x) with a 4K monitor at 1.5x to its right.
  const laptop: ElectronDisplay = { id: 1, label: "Built-in Retina Display", bounds: { x: 0, y: 0, width: 1512, height: 982 }, scaleFactor: 2 };
  const monitor: ElectronDisplay = { id: 2, label: "DELL U2720Q", bounds: { x: 1512, y: -200, width: 2560, height: 1440 }, scaleFactor: 1.5 };
  const sources = [
    { id: "screen:2:0", name: "Screen 2", display_id: "2" },
    { id: "screen:1:0", name: "Screen 1", display_id: "1" },
  ];

  it("lists the screens, primary first, with their pixel sizes", () => {
    expect(displayChoices([laptop, monitor], sources, 1, 2)).toEqual([
      { id: "1", label: "Built-in Retina Display", width: 3024, height: 1964, primary: true, current: false },
      { id: "2", label: "DELL U2720Q", width: 3840, height: 2160, primary: false, current: true },
    ]);
    expect(displayChoices([laptop, monitor], sources, 1, null).map((d) => d.current)).toEqual([true, false]);
    expect(chosenDisplay([laptop, monitor], 2, 1)).toBe(monitor);
    expect(chosenDisplay([laptop], 2, 1)).toBe(laptop); // unplugged: back to the primary
  });

  it("maps into the agent's space: points on macOS, pixels on X11, the OS's own rectangle on Windows", () => {
    expect(agentBounds(monitor, "darwin")).toEqual({ x: 1512, y: -200, width: 2560, height: 1440 });
    expect(agentBounds(monitor, "linux")).toEqual({ x: 2268, y: -300, width: 3840, height: 2160 });
    const physical = { x: 3024, y: -300, width: 3840, height: 2160 }; // what screen.dipToScreenRect says
    expect(agentBounds(monitor, "win32", () => physical)).toEqual(physical);
    // The helper clicks the centre of the monitor's picture and its bottom-right pixel.
    expect(pointOnDisplay(agentBounds(monitor, "darwin"), 0.5, 0.5)).toEqual({ x: 1512 + 1280, y: -200 + 720 });
    expect(pointOnDisplay(agentBounds(monitor, "linux"), 1, 1)).toEqual({ x: 2268 + 3839, y: -300 + 2159 });
    expect(pointOnDisplay(agentBounds(laptop, "darwin"), -0.2, 7)).toEqual({ x: 0, y: 981 }); // clamped to the display
  });
});

describe("updates never restart the app mid-session", () => {
  it("waits for the session to end, then installs once", () => {
    const installs: number[] = [];
    const gate = createUpdateGate({ quitAndInstall: () => installs.push(Date.now()) });
    gate.sessionRunning(true);
    gate.updateDownloaded();
    expect(installs).toHaveLength(0);
    expect(gate.waiting).toBe(true);
    gate.sessionRunning(true); // paused, resumed: still running
    expect(installs).toHaveLength(0);
    gate.sessionRunning(false);
    expect(installs).toHaveLength(1);
    gate.sessionRunning(false);
    expect(installs).toHaveLength(1);
    const idle = createUpdateGate({ quitAndInstall: () => installs.push(0) });
    idle.updateDownloaded();
    expect(installs).toHaveLength(2);
    expect(updateFeed(BROKER)).toEqual({ provider: "generic", url: `${BROKER}/updates/`, channel: "latest" });
  });
});

describe("managed configuration from the MDM", () => {
  const token = "nw-enroll-0123456789abcdef";
  const sources = (o: Partial<ManagedConfigSources> & Pick<ManagedConfigSources, "platform">): ManagedConfigSources => ({
    readFile: async () => null,
    regQuery: async () => null,
    env: {},
    ...o,
  });

  it("macOS: reads the profile's managed preferences for the bundle id", async () => {
    // What a configuration profile's preferences payload leaves on disk: a binary plist (an XML one is read too).
    const values = { BrokerUrl: BROKER, EnrollmentToken: token, DisableAutoUpdate: true };
    for (const data of [Buffer.from(buildBinary(values)), Buffer.from(build(values))]) {
      const asked: string[] = [];
      const result = await readManagedConfig(sources({ platform: "darwin", readFile: async (f) => (asked.push(f), data) }));
      expect(asked).toEqual([`/Library/Managed Preferences/${BUNDLE_ID}.plist`]);
      expect(result).toEqual({ config: values, source: "managed-preferences", problems: [] });
    }
  });

  it("Windows: reads the policy registry key as reg.exe prints it", async () => {
    const output = `\r\n${POLICY_KEY}\r\n    BrokerUrl    REG_SZ    ${BROKER}\r\n    EnrollmentToken    REG_SZ    ${token}\r\n    DisableAutoUpdate    REG_DWORD    0x1\r\n\r\n`;
    expect(parseRegQuery(output)).toEqual({ BrokerUrl: BROKER, EnrollmentToken: token, DisableAutoUpdate: true });
    const result = await readManagedConfig(sources({ platform: "win32", regQuery: async (key) => (key === POLICY_KEY ? output : null) }));
    expect(result.source).toBe("registry");
    expect(result.config.EnrollmentToken).toBe(token);
  });

  it("falls back to the JSON file, refuses bad values with a reason, and is empty when nothing is managed", async () => {
    expect(jsonFallbackPath("win32", { ProgramData: "D:\\ProgramData" })).toBe("D:\\ProgramData\\Tandem\\managed.json");
    expect(jsonFallbackPath("linux", {})).toBe("/etc/tandem/managed.json");
    const files: Record<string, Buffer> = { "/etc/tandem/managed.json": Buffer.from(JSON.stringify({ BrokerUrl: BROKER, EnrollmentToken: token })) };
    const linux = await readManagedConfig(sources({ platform: "linux", readFile: async (f) => files[f] ?? null }));
    expect(linux).toMatchObject({ source: "json-file", config: { BrokerUrl: BROKER } });

    // A plain-HTTP broker in the registry is refused; the JSON file is used instead, and the reason kept.
    const badReg = `    BrokerUrl    REG_SZ    http://tandem.northwind.test\r\n`;
    const win = await readManagedConfig(sources({ platform: "win32", regQuery: async () => badReg, readFile: async (f) => (f.endsWith("managed.json") ? Buffer.from(JSON.stringify({ EnrollmentToken: token })) : null) }));
    expect(win.source).toBe("json-file");
    expect(win.problems[0]).toMatch(/registry: BrokerUrl the broker must be reached over HTTPS/);

    const broken = await readManagedConfig(sources({ platform: "darwin", readFile: async (f) => Buffer.from(f.endsWith(".plist") ? "bplist00 truncated" : "{not json") }));
    expect(broken).toEqual({ config: {}, source: "none", problems: ["managed-preferences: not a valid property list file", "json-file: not a valid JSON file"] });
    expect(await readManagedConfig(sources({ platform: "linux" }))).toEqual({ config: {}, source: "none", problems: [] });
  });
});

describe("where the app signs in", () => {
  it("at the broker's embedded IdP by default, at Entra ID (AAD mode) when the MDM names a tenant and app", () => {
    const embedded = signInFrom({}, BROKER, "PEM");
    expect(embedded).toEqual({ kind: "embedded", issuer: `${BROKER}/idp`, clientId: "tandem-desktop", scopes: ["tandem"], ca: "PEM" });
    expect(desktopMsalConfig(embedded).system?.protocolMode).toBe(ProtocolMode.OIDC);
    expect(desktopMsalConfig(embedded).auth.knownAuthorities).toEqual(["tandem.northwind.test"]);
    const clientId = "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b";
    const entra = signInFrom({ EntraTenant: "northwind.onmicrosoft.com", EntraClientId: clientId, EntraScope: "api://tandem-broker/tandem" }, BROKER);
    expect(entra).toEqual({ kind: "entra", authority: "https://login.microsoftonline.com/northwind.onmicrosoft.com", clientId, scopes: ["api://tandem-broker/tandem"] });
    const config = desktopMsalConfig(entra);
    expect(config.system?.protocolMode).toBe(ProtocolMode.AAD);
    expect(config.auth).toEqual({ clientId, authority: "https://login.microsoftonline.com/northwind.onmicrosoft.com" });
    expect(config.auth).not.toHaveProperty("clientSecret"); // a public client
  });
});

describe("a broker behind a private CA", () => {
  it("trusts what that CA issued for the broker's host while valid, nothing else", async () => {
    const dirs = [fs.mkdtempSync(path.join(os.tmpdir(), "tandem-ca-")), fs.mkdtempSync(path.join(os.tmpdir(), "tandem-ca-"))];
    const [mine, other] = await Promise.all(dirs.map((d) => loadOrCreateLocalTls(d)));
    const leaf = mine!.cert.split(/(?=-----BEGIN CERTIFICATE-----)/)[0]!;
    expect(issuedByPrivateCa(leaf, mine!.caCert!, "127.0.0.1")).toBe(true);
    expect(issuedByPrivateCa(leaf, mine!.caCert!, "localhost")).toBe(true);
    expect(issuedByPrivateCa(leaf, mine!.caCert!, "tandem.evil.test")).toBe(false); // not its host
    expect(issuedByPrivateCa(leaf, other!.caCert!, "127.0.0.1")).toBe(false); // another CA
    expect(issuedByPrivateCa(leaf, mine!.caCert!, "127.0.0.1", Date.now() + 10 * 365 * 86_400_000)).toBe(false); // expired
    expect(issuedByPrivateCa("not a certificate", mine!.caCert!, "127.0.0.1")).toBe(false);
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });
});
