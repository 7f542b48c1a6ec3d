import { afterAll, beforeAll, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { createInputRelay } from "../src/main/input-relay.js";
import type { DisplayChoice } from "../src/protocol/index.js";
import type { DeviceKey } from "../tools/device-key.js";
import { attachDesktopBridge } from "../tools/desktop-stand-in.js";
import { enrolledDeviceOfSam } from "./support/desktop-sharer.js";
import { type BrowserStack, startBrowserStack } from "./support/browser-stack.js";
import { browserStackMissing, newPage, type SharerBrowser, signIn } from "./support/browsers.js";
import { northwind } from "./support/demo-people.js";
import type { IdpHarness } from "./support/idp-harness.js";
import { newSessionCode, openConsole, waitForFrames } from "./support/web-session-steps.js";
import { describeNeeding } from "./support/needs.js";

/**
 * A sharer with two screens (the desktop app's list; main's own mapping of
 * displays is tested in main-process-logic): the helper sees both in the
 * console and asks for the other; the sharer says yes; the page captures the
 * chosen screen again and swaps it into the same connection; the helper keeps
 * receiving frames and sees which screen is shown. Xvfb has one screen, so
 * both entries capture it: what is checked is the path, not the pixels.
 */
const missing = browserStackMissing();
// Counts the page's screen captures and keeps them, to see the old one stopped.
const COUNT_CAPTURES = "(() => { const md = navigator.mediaDevices, g = md.getDisplayMedia.bind(md); window.__captures = []; md.getDisplayMedia = async (c) => { const s = await g(c); window.__captures.push(s); return s; }; })();";

describeNeeding(missing)("the helper switches between the sharer's screens", () => {
  let stack: BrowserStack;
  let h: IdpHarness;
  let helperBrowser: Browser;
  let sharerBrowser: SharerBrowser;
  let device: DeviceKey;
  beforeAll(async () => {
    stack = await startBrowserStack();
    ({ h, helperBrowser, sharerBrowser } = stack);
    device = await enrolledDeviceOfSam(h);
  }, 60_000);
  afterAll(() => stack?.close());

  it("lists both screens for the helper, and switches once the sharer agrees", { timeout: 60_000 }, async () => {
    const displays: DisplayChoice[] = [
      { id: "1", label: "Built-in Display", width: 1920, height: 1080, primary: true, current: true },
      { id: "2", label: "DELL U2720Q", width: 1920, height: 1080, primary: false, current: false },
    ];
    const selected: string[] = [];
    const helper = await openConsole(helperBrowser, h.origin, northwind.operator);
    const code = await newSessionCode(helper);
    const sharer: Page = await newPage(sharerBrowser.browser, { headed: true });
    await sharer.addInitScript({ content: COUNT_CAPTURES });
    await attachDesktopBridge(sharer, createInputRelay({ send: () => undefined }), device, { displays, selected });
    await signIn(sharer, h.origin, `/s?code=${code}`, northwind.sharer);
    await sharer.getByTestId("join").click();
    await helper.getByTestId("request-view").click();
    await sharer.getByTestId("allow").click();
    await waitForFrames(helper, 5);

    // The helper sees both screens, the shown one selected, and asks for the other.
    const picker = helper.getByTestId("display-picker");
    await picker.waitFor();
    expect(await picker.locator("option").allTextContents()).toEqual(["Built-in Display (1920×1080)", "DELL U2720Q (1920×1080)"]);
    expect(await picker.inputValue()).toBe("1");
    await picker.selectOption("2");
    await helper.getByTestId("notice").waitFor();

    // The sharer decides: nothing changes until they agree.
    await sharer.getByTestId("display-asked").waitFor();
    expect(await sharer.getByTestId("display-asked").textContent()).toContain("Hugo Moreau asks to see DELL U2720Q");
    expect(selected).toEqual([]);
    await sharer.getByTestId("show-display").click();
    await expect.poll(() => selected).toEqual(["2"]);
    await expect.poll(() => picker.inputValue(), { timeout: 10_000 }).toBe("2");

    // A second capture went into the same connection; the first one is stopped; the session goes on.
    const captures = await sharer.evaluate(() => (window as unknown as { __captures: MediaStream[] }).__captures.map((s) => s.getVideoTracks()[0]!.readyState));
    expect(captures).toEqual(["ended", "live"]);
    // Both screens go to the encoder as "motion" (its fast mode; bench/peers), the switched-to one too.
    const hints = await sharer.evaluate(() => (window as unknown as { __captures: MediaStream[] }).__captures.map((s) => s.getVideoTracks()[0]!.contentHint));
    expect(hints).toEqual(["motion", "motion"]);
    expect(await sharer.getByTestId("sharing-bar").isVisible()).toBe(true);
    const before = (await waitForFrames(helper, 1)).frames;
    await expect.poll(async () => (await waitForFrames(helper, 1)).frames, { timeout: 10_000 }).toBeGreaterThan(before + 10);
    expect(await sharer.getByTestId("sharer-display-picker").inputValue()).toBe("2");
    await Promise.all([helper.context().close(), sharer.context().close()]);
  });
});
