import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { _electron as electron, type ElectronApplication, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchHelperBrowser, newPage, signIn } from "../tools/chromium.js";
import { HttpSession, loginFormAction } from "../tools/http-session.js";
import { buildBroker, type Broker } from "../src/server/broker.js";
import { BrokerConfig } from "../src/server/config.js";

/**
 * The packaged app's code (app/, built by `npm run test:electron`) in real
 * Electron against a local broker: it starts, the sharer signs in through the
 * "system browser" (driven here: the app's shell.openExternal is captured and
 * the IdP's login page filled in), joins with a code from a helper in
 * Chromium, allows full control, and a click the helper makes on the video is
 * injected on this machine: it lands on the app's own Pause button, and the
 * helper sees the session paused.
 * Leave the mouse alone while it runs: the helper's click moves the real pointer.
 */
const people = { helper: { username: "hugo@northwind.test", password: "demo-helper-1" }, sharer: { username: "sam@northwind.test", password: "demo-sharer-1" } };

describe("the desktop app in Electron", () => {
  let broker: Broker;
  let app: ElectronApplication;
  let window: Page;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "tandem-electron-"));
  const userData = fs.mkdtempSync(path.join(os.tmpdir(), "tandem-electron-user-"));

  beforeAll(async () => {
    broker = await buildBroker(BrokerConfig.parse({ host: "127.0.0.1", port: 0, dataDir, sqliteFile: ":memory:", logLevel: "silent", defaultTenantSettings: { allowUnenrolledDevices: true } }));
    await broker.listen();
    const caFile = path.join(dataDir, "ca.crt");
    fs.writeFileSync(caFile, broker.tls!.caCert!);
    app = await electron.launch({ args: [path.resolve("app"), `--user-data-dir=${userData}`], env: { ...process.env, TANDEM_BROKER_URL: broker.origin, TANDEM_BROKER_CA_FILE: caFile } });
    // The system browser: capture what the app opens, and sign in there as the sharer would.
    await app.evaluate(({ shell }) => {
      const opened: string[] = [];
      (globalThis as unknown as { __opened: string[] }).__opened = opened;
      shell.openExternal = async (url: string) => void opened.push(url);
    });
    let authorize: string | undefined;
    for (let i = 0; i < 100 && !authorize; i++) {
      authorize = await app.evaluate(() => (globalThis as unknown as { __opened: string[] }).__opened.find((u) => u.includes("/idp/auth")));
      if (!authorize) await new Promise((r) => setTimeout(r, 200));
    }
    if (!authorize) throw new Error("the app never opened the sign-in page");
    const browser = new HttpSession(broker.tls!.caCert!);
    const page = await browser.follow(authorize, "http://localhost:");
    const submitted = await browser.request("POST", loginFormAction(page)!, { form: { ...people.sharer, otp: "" } });
    const landed = await browser.follow(new URL(submitted.headers.location!, submitted.url).toString());
    const form = /<form method="post" action="(http:\/\/localhost:\d+[^"]*)">([\s\S]*?)<\/form>/.exec(landed.body)!;
    await fetch(form[1]!, { method: "POST", body: new URLSearchParams([...form[2]!.matchAll(/name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1]!, m[2]!])) });
    window = await app.firstWindow();
  });

  afterAll(async () => {
    await app?.close();
    await broker?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.rmSync(userData, { recursive: true, force: true });
  });

  it("signs in, joins, shares, and receives the helper's click", async () => {
    await window.getByTestId("signed-in-as").waitFor();
    expect(await window.evaluate(() => typeof (window as unknown as { tandemDesktop?: unknown }).tandemDesktop)).toBe("object");
    expect(await window.evaluate(() => typeof (window as unknown as { require?: unknown }).require)).toBe("undefined"); // no Node in the page

    const helperBrowser = await launchHelperBrowser();
    const helper = await newPage(helperBrowser);
    await signIn(helper, broker.origin, "/", people.helper);
    await helper.getByTestId("new-session").click();
    const code = (await helper.getByTestId("session-code").textContent())!.replace("-", "");
    await window.goto(`${broker.origin}/s?code=${code}`);
    await window.getByTestId("join").click();
    await helper.getByTestId("request-control").click();
    await window.getByTestId("allow").click();
    await helper.getByTestId("controlling").waitFor();

    // Where the app's Pause button is on the screen, and so on the helper's video.
    const pause = await window.getByTestId("pause").boundingBox();
    const bounds = await app.evaluate(({ BrowserWindow, screen }) => {
      const w = BrowserWindow.getAllWindows().find((b) => b.webContents.getURL().includes("/s"))!;
      return { content: w.getContentBounds(), display: screen.getPrimaryDisplay().bounds };
    });
    const target = { x: bounds.content.x + pause!.x + pause!.width / 2, y: bounds.content.y + pause!.y + pause!.height / 2 };
    const spot = await helper.getByTestId("remote-video").evaluate((v: HTMLVideoElement, [tx, ty, dw, dh]) => {
      const box = v.getBoundingClientRect();
      const scale = Math.min(box.width / v.videoWidth, box.height / v.videoHeight);
      const s = v.videoWidth / dw!;
      return { x: box.left + (box.width - v.videoWidth * scale) / 2 + tx! * s * scale, y: box.top + (box.height - v.videoHeight * scale) / 2 + ty! * s * scale, dh };
    }, [target.x, target.y, bounds.display.width, bounds.display.height]);
    await helper.getByTestId("remote-video").click({ position: { x: 2, y: 2 } });
    await helper.mouse.click(spot.x, spot.y);
    await expect.poll(() => helper.getByTestId("level").textContent(), { timeout: 10_000 }).toMatch(/paused/i);
    await helperBrowser.close();
  });
});
