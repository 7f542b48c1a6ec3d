import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { createInputRelay } from "../src/main/input-relay.js";
import type { ToAgent } from "../src/protocol/index.js";
import { attachDesktopBridge } from "../tools/desktop-stand-in.js";
import type { DeviceKey } from "../tools/device-key.js";
import { startXvfb, type XDisplay } from "../tools/x-display.js";
import { browserStackMissing, launchHelperBrowser, launchSharerBrowser, newPage, type SharerBrowser } from "./support/browsers.js";
import { northwind } from "./support/demo-people.js";
import { enrolledDeviceOfSam } from "./support/desktop-sharer.js";
import { type IdpHarness, startIdpHarness } from "./support/idp-harness.js";
import { describeNeeding } from "./support/needs.js";
import { saveScreenshot } from "./support/screenshots.js";
import { newSessionCode, openConsole, waitForFrames } from "./support/web-session-steps.js";

/**
 * The desktop app's sharer UI does not come from the broker: main serves its
 * own copy (app://tandem) and tells it the broker's origin. Here the built UI
 * is served from an origin that is not the broker's (Chromium cannot load
 * app:// itself), with the app's token and the real preload: it joins, shares
 * and hands over control talking to the broker only over its WebSocket.
 */
const missing = browserStackMissing();
const webDir = path.resolve("dist/web");

describeNeeding(missing)("the desktop app's own UI, talking to a broker that did not serve it", () => {
  let h: IdpHarness;
  let x: XDisplay;
  let helperBrowser: Browser;
  let sharerBrowser: SharerBrowser;
  let device: DeviceKey;
  let ui: http.Server;
  let uiOrigin: string;
  const fromBroker: string[] = [];

  beforeAll(async () => {
    if (missing) throw new Error(missing);
    [h, x, helperBrowser] = await Promise.all([startIdpHarness(), startXvfb(), launchHelperBrowser()]);
    sharerBrowser = await launchSharerBrowser(x.display);
    device = await enrolledDeviceOfSam(h);
    // A plain file server for the built UI: the app's own files, on an origin of their own.
    ui = http.createServer((req, res) => {
      const file = path.join(webDir, path.normalize(new URL(req.url!, "http://x").pathname));
      if (!file.startsWith(webDir) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) return void res.writeHead(404).end();
      res.writeHead(200, { "content-type": file.endsWith(".js") ? "text/javascript" : file.endsWith(".css") ? "text/css" : "text/html" }).end(fs.readFileSync(file));
    });
    await new Promise<void>((resolve) => ui.listen(0, "127.0.0.1", resolve));
    uiOrigin = `http://127.0.0.1:${(ui.address() as AddressInfo).port}`;
  }, 60_000);
  afterAll(async () => {
    await sharerBrowser?.close();
    await helperBrowser?.close();
    x?.stop();
    ui?.close();
    await h?.close();
  });

  it("joins with the app's token, shares the screen and hands over control after main's prompt, fetching nothing from the broker but its WebSocket", { timeout: 90_000 }, async () => {
    const helper = await openConsole(helperBrowser, h.origin, northwind.operator);
    const code = await newSessionCode(helper);
    const sharer = await newPage(sharerBrowser.browser, { headed: true });
    sharer.on("request", (request) => {
      if (request.url().startsWith(h.origin)) fromBroker.push(request.url());
    });
    const toAgent: ToAgent[] = [];
    const token = await h.desktopToken(northwind.sharer.username, northwind.sharer.password);
    await attachDesktopBridge(sharer, createInputRelay({ send: (m) => toAgent.push(m) }), device, { token, consent: { broker: { origin: h.origin, ca: h.ca } } });
    await sharer.goto(`${uiOrigin}/renderer/index.html?broker=${encodeURIComponent(h.origin)}&code=${code}`);
    await sharer.getByTestId("join").click();
    await helper.getByTestId("trust-screen").waitFor();
    await saveScreenshot(helper, "desktop-ui-from-the-app-helper-trust-en");
    await helper.getByTestId("request-control").click();
    await sharer.getByTestId("allow").click();
    await helper.getByTestId("controlling").waitFor();
    await waitForFrames(helper, 3);
    await saveScreenshot(sharer, "desktop-ui-from-the-app-en");
    expect(toAgent.filter((m) => m.type === "grant").at(-1)).toMatchObject({ level: "control" });
    // Only the WebSocket went to the broker (photos would too; this sharer's helper has none).
    expect(fromBroker.filter((url) => !url.startsWith(`${h.origin.replace(/^http/, "ws")}/ws`))).toEqual([]);
    await Promise.all([helper.context().close(), sharer.context().close()]);
  });
});
