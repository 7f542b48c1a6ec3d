import { execFileSync } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { createInputRelay } from "../src/main/input-relay.js";
import type { ClipboardDirection } from "../src/main/clipboard-relay.js";
import type { DisplayArea } from "../src/main/annotation-overlays.js";
import { type AgentProcess, clipboardAgent, startAgent } from "../tools/agent-process.js";
import type { DeviceKey } from "../tools/device-key.js";
import { attachDesktopBridge } from "../tools/desktop-stand-in.js";
import { openXEventWindow, type XEventWindow } from "../tools/x-events.js";
import { type BrowserStack, startBrowserStack } from "./support/browser-stack.js";
import { browserStackMissing, newPage, type SharerBrowser, signIn } from "./support/browsers.js";
import { northwind } from "./support/demo-people.js";
import { enrolledDeviceOfSam } from "./support/desktop-sharer.js";
import { dragOnScreen } from "./support/hand-over-steps.js";
import type { IdpHarness } from "./support/idp-harness.js";
import { describeNeeding } from "./support/needs.js";
import { saveScreenshot } from "./support/screenshots.js";
import { newSessionCode, openConsole, waitForFrames } from "./support/web-session-steps.js";

/**
 * The desktop path, without Electron: the helper's console (Chromium) → the
 * sharer page in desktop mode (headed Chromium on Xvfb) with the real preload
 * bridge → main's real overlay and clipboard logic → the real agent process
 * → the X server. Drawing over the screen while in full control produces no
 * input at all at the X server; the clipboard is written and read for real
 * (read back with xsel) after main's own prompt, asked once each way.
 */
const missing = browserStackMissing();
const XSEL = path.resolve("node_modules/clipboardy/fallbacks/linux/xsel");

describeNeeding(missing)("pointing, drawing and the clipboard on the sharer's desktop", () => {
  let stack: BrowserStack;
  let h: IdpHarness;
  let helperBrowser: Browser;
  let sharerBrowser: SharerBrowser;
  let agent: AgentProcess;
  let device: DeviceKey;
  let xEvents: XEventWindow;
  beforeAll(async () => {
    stack = await startBrowserStack();
    ({ h, helperBrowser, sharerBrowser } = stack);
    [agent, device, xEvents] = await Promise.all([startAgent(stack.x.display), enrolledDeviceOfSam(h), openXEventWindow(stack.x.display, { x: 80, y: 200, width: 700, height: 500 })]);
  }, 60_000);
  afterAll(async () => {
    xEvents?.stop();
    await agent?.stop();
    await stack?.close();
  });

  const env = () => ({ ...process.env, DISPLAY: stack.x.display });
  const xPointer = () => {
    const m = /x:(\d+) y:(\d+)/.exec(execFileSync("xdotool", ["getmouselocation"], { env: env(), encoding: "utf8" }))!;
    return { x: Number(m[1]), y: Number(m[2]) };
  };
  const xClipboard = () => execFileSync(XSEL, ["--clipboard", "--output"], { env: env(), encoding: "utf8", timeout: 5_000 });

  it("draws over the screen in full control without one input event, and hands text over both ways after main's prompt", { timeout: 120_000 }, async () => {
    const overlays = { opened: [] as DisplayArea[], drawn: [] as { display: number; json: string }[], closed: 0 };
    const asked: ClipboardDirection[] = [];
    const helper = await openConsole(helperBrowser, h.origin, northwind.operator);
    const code = await newSessionCode(helper);
    const sharer: Page = await newPage(sharerBrowser.browser, { headed: true });
    await attachDesktopBridge(sharer, createInputRelay(agent), device, { consent: { broker: { origin: h.origin, ca: h.ca } }, overlays, clipboard: { agent: clipboardAgent(agent), asked } });
    await signIn(sharer, h.origin, `/s?code=${code}`, northwind.sharer);
    await sharer.getByTestId("join").click();
    await helper.getByTestId("request-control").click();
    await sharer.getByTestId("allow").click();
    await helper.getByTestId("controlling").waitFor();
    await waitForFrames(helper, 3);

    // Full control, then the pen: a stroke across the part of the screen where an X window listens.
    await helper.getByTestId("remote-video").click({ position: { x: 5, y: 5 } });
    const pointerBefore = xPointer();
    const eventsBefore = xEvents.events.length;
    await helper.getByTestId("toggle-drawing").click();
    await helper.getByTestId("draw-pen").click();
    await dragOnScreen(helper, [0.1, 0.3], [0.35, 0.6], 12);
    await expect.poll(() => overlays.drawn.length, { timeout: 5_000 }).toBeGreaterThanOrEqual(3);
    // Main opened its overlay over the display, and drew there what the helper drew.
    expect(overlays.opened).toEqual([{ id: 1, bounds: { x: 0, y: 0, width: 1920, height: 1080 } }]);
    expect(JSON.parse(overlays.drawn[0]!.json)).toMatchObject({ t: "begin", shape: "pen", x: 0.1, y: 0.3 });
    await new Promise((r) => setTimeout(r, 700));
    expect(xEvents.events.length - eventsBefore).toBe(0);
    expect(xPointer()).toEqual(pointerBefore);
    // Without the pen, the same movement is input again: the X server sees it (so the silence above was real).
    await helper.getByTestId("draw-pen").click();
    await helper.getByTestId("remote-video").click({ position: { x: 5, y: 5 } });
    const box = (await helper.getByTestId("annotation-layer").boundingBox())!;
    await helper.mouse.move(box.x + box.width * 0.2, box.y + box.height * 0.45, { steps: 6 });
    await expect.poll(() => xEvents.events.length - eventsBefore, { timeout: 5_000 }).toBeGreaterThan(0);

    // The clipboard: the helper sends text; main's prompt asks once; the X clipboard holds it.
    await helper.getByTestId("toggle-clipboard").click();
    await helper.getByTestId("clipboard-draft").fill("ping -c 3 10.20.30.40");
    await helper.getByTestId("clipboard-send").click();
    await expect.poll(() => helper.getByTestId("clipboard-notice").textContent(), { timeout: 10_000 }).toBe("The text is on their clipboard.");
    expect(xClipboard()).toBe("ping -c 3 10.20.30.40");
    await helper.getByTestId("clipboard-draft").fill("second text, no second prompt");
    await helper.getByTestId("clipboard-send").click();
    await expect.poll(() => xClipboard(), { timeout: 10_000 }).toBe("second text, no second prompt");
    expect(asked).toEqual(["to_sharer"]);

    // The other way: what the sharer copied, after the prompt for that direction.
    execFileSync(XSEL, ["--clipboard", "--input"], { env: env(), input: "C:\\Logs\\setup-error.txt" });
    await helper.getByTestId("clipboard-ask").click();
    await expect.poll(() => helper.getByTestId("clipboard-theirs").inputValue(), { timeout: 10_000 }).toBe("C:\\Logs\\setup-error.txt");
    expect(asked).toEqual(["to_sharer", "from_sharer"]);
    await saveScreenshot(helper, "hand-over-helper-clipboard-en");

    // The sharer turns the clipboard off in their window: the helper is told, and a send is refused by the broker.
    await sharer.getByTestId("switch-clipboard").click();
    await helper.getByTestId("clipboard-unavailable").waitFor();
    expect(await helper.getByTestId("clipboard-unavailable").textContent()).toBe("Sam Okafor turned the clipboard off.");
    expect(xClipboard()).toBe("C:\\Logs\\setup-error.txt");
    await saveScreenshot(sharer, "hand-over-sharer-switches-en");
    await Promise.all([helper.context().close(), sharer.context().close()]);
  });
});
