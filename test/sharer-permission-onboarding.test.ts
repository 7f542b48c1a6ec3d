import { afterAll, beforeAll, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { createInputRelay } from "../src/main/input-relay.js";
import type { PermissionReport } from "../src/protocol/index.js";
import type { DeviceKey } from "../tools/device-key.js";
import { attachDesktopBridge } from "../tools/desktop-stand-in.js";
import { enrolledDeviceOfSam } from "./support/desktop-sharer.js";
import { browserStackMissing, launchHelperBrowser, newPage, signIn } from "./support/browsers.js";
import { northwind } from "./support/demo-people.js";
import { type IdpHarness, startIdpHarness } from "./support/idp-harness.js";
import { describeNeeding } from "./support/needs.js";
import { saveScreenshot } from "./support/screenshots.js";

/**
 * The desktop sharer page before it allows: what macOS still has to permit is
 * shown with a button to the right System Settings pane; Allow waits until it
 * is there; a Wayland session says control is impossible. The bridge answers
 * as the agent's permission probe would (native/permissions.ts is tested on
 * its own); the page is the real one in Chromium.
 */
const missing = browserStackMissing();

describeNeeding(missing)("permission onboarding in the desktop sharer page", () => {
  let h: IdpHarness;
  let browser: Browser;
  let device: DeviceKey;
  beforeAll(async () => {
    if (missing) throw new Error(missing);
    [h, browser] = await Promise.all([startIdpHarness(), launchHelperBrowser()]);
    device = await enrolledDeviceOfSam(h, "Sam's MacBook");
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  /** A helper asks for `level`; the sharer's desktop page opens the session with the OS reporting `report()`. */
  async function askedFor(level: "view" | "control", report: () => PermissionReport, opened: string[], reopened: string[] = []) {
    const helper = await h.desktopClient(northwind.operator.username, northwind.operator.password);
    const { code, session } = await helper.request({ type: "session.create" }, "session.created");
    const page = await newPage(browser);
    await attachDesktopBridge(page, createInputRelay({ send: () => undefined }), device, { permissions: report, opened, reopened });
    await signIn(page, h.origin, `/s?code=${code}`, northwind.sharer);
    await page.getByTestId("join").click();
    await helper.next("session.peer_joined", 10_000);
    helper.send({ type: "session.request", sessionId: session.sessionId, level });
    await page.getByTestId("sharer-trust").waitFor();
    return Object.assign(page, { code, sessionId: session.sessionId });
  }

  it("asks for Accessibility before control, opens its pane, and lets the sharer allow once it is granted", async () => {
    let report: PermissionReport = { platform: "macos", accessibility: "denied", screenRecording: "granted", unsupportedReason: null };
    const opened: string[] = [];
    const page = await askedFor("control", () => report, opened);
    await page.getByTestId("permission-onboarding").waitFor();
    expect(await page.getByTestId("permission-accessibility").getAttribute("data-state")).toBe("denied");
    expect(await page.getByTestId("permission-screen-recording").getAttribute("data-state")).toBe("granted");
    expect(await page.getByTestId("allow").isDisabled()).toBe(true);
    await page.getByTestId("open-settings-accessibility").click();
    await expect.poll(() => opened).toEqual(["accessibility"]);

    report = { ...report, accessibility: "granted" };
    await page.getByTestId("check-permissions").click();
    await page.getByTestId("permission-onboarding").waitFor({ state: "detached" });
    await expect.poll(() => page.getByTestId("allow").isEnabled()).toBe(true);
    await page.context().close();
  });

  it("for view only asks just for Screen Recording; a Wayland session cannot be controlled at all", async () => {
    const opened: string[] = [];
    const view = await askedFor("view", () => ({ platform: "macos", accessibility: "denied", screenRecording: "denied", unsupportedReason: null }), opened);
    await view.getByTestId("permission-onboarding").waitFor();
    expect(await view.getByTestId("permission-accessibility").count()).toBe(0);
    await view.getByTestId("open-settings-screen-recording").click();
    await expect.poll(() => opened).toEqual(["screen-recording"]);
    await view.context().close();

    const wayland = await askedFor("control", () => ({ platform: "linux", accessibility: "unsupported", screenRecording: "not-needed", unsupportedReason: "This computer runs a Wayland session." }), []);
    expect(await wayland.getByTestId("control-unsupported").textContent()).toContain("Wayland");
    expect(await wayland.getByTestId("allow").count()).toBe(0);
    expect(await wayland.getByTestId("decline").isEnabled()).toBe(true);
    await wayland.context().close();
  });

  it("after the sharer goes to switch on Screen Recording, offers to quit and reopen into the same session, which the reopened app rejoins", async () => {
    const opened: string[] = [];
    const reopened: string[] = [];
    const page = await askedFor("view", () => ({ platform: "macos", accessibility: "not-needed", screenRecording: "denied", unsupportedReason: null }), opened, reopened);
    expect(await page.getByTestId("quit-reopen").count()).toBe(0);
    await page.getByTestId("open-settings-screen-recording").click();
    await page.getByTestId("reopen-offer").waitFor();
    await saveScreenshot(page, "sharer-reopen-offer-en");
    await page.getByTestId("language").selectOption("ar");
    await expect.poll(() => page.getByTestId("quit-reopen").textContent()).toBe("إنهاء Tandem وإعادة فتحه");
    await saveScreenshot(page, "sharer-reopen-offer-ar");
    await page.getByTestId("quit-reopen").click();
    await expect.poll(() => reopened).toEqual([page.code]);
    await page.context().close(); // the app quits

    // The reopened app: launched with --code, it rejoins the session it was in (Screen Recording now granted).
    const again = await newPage(browser);
    await attachDesktopBridge(again, createInputRelay({ send: () => undefined }), device, { permissions: () => ({ platform: "macos", accessibility: "not-needed", screenRecording: "granted", unsupportedReason: null }) });
    await signIn(again, h.origin, `/s?code=${page.code}`, northwind.sharer);
    await again.getByTestId("join").click();
    await again.getByTestId("sharer-trust").waitFor();
    // Allow waits for the app's answer about the OS permissions, which may come a moment after the trust screen.
    await expect.poll(() => again.getByTestId("allow").isEnabled()).toBe(true);
    await again.context().close();
  });
  it("shows a helper's offer on the device while it waits, joins with one click, and tells the helper Not now", async () => {
    const page = await newPage(browser);
    const notified: string[] = [];
    const languages: string[] = [];
    await attachDesktopBridge(page, createInputRelay({ send: () => undefined }), device, { permissions: () => ({ platform: "macos", accessibility: "granted", screenRecording: "granted", unsupportedReason: null }), opened: [], offered: notified, languages });
    await signIn(page, h.origin, "/s", northwind.sharer);
    await page.getByTestId("code-box-0").waitFor();
    const helper = await h.desktopClient(northwind.operator.username, northwind.operator.password);
    const first = await helper.request({ type: "session.create", deviceId: device.id }, "session.created");
    expect(await helper.next("session.offer_status", 10_000)).toMatchObject({ status: "notified" });
    await page.getByTestId("offer").waitFor();
    expect(await page.getByTestId("offer").locator("h1").textContent()).toBe("Hugo Moreau from Northwind Traders wants to help you");
    await saveScreenshot(page, "sharer-offer-en");
    await page.getByTestId("language").selectOption("ar");
    await expect.poll(() => page.getByTestId("offer-join").textContent()).toBe("انضمام");
    await saveScreenshot(page, "sharer-offer-ar");
    await page.getByTestId("language").selectOption("en");
    // The picker in the app's page tells main, whose tray, strip and prompts then speak it too.
    await expect.poll(() => languages).toEqual(["ar", "en"]);
    expect(notified).toEqual(["Hugo Moreau"]); // main shows the OS's notification and brings the window forward
    await page.getByTestId("offer-join").click();
    expect(await helper.next("session.peer_joined", 10_000)).toMatchObject({ session: { sessionId: first.session.sessionId }, device: { deviceId: device.id }, otherDevice: false });
    await page.getByTestId("sharer-connected").waitFor();
    helper.send({ type: "session.end", sessionId: first.session.sessionId });
    await page.getByTestId("get-help-again").click();

    const second = await helper.request({ type: "session.create", deviceId: device.id }, "session.created");
    await page.getByTestId("offer").waitFor();
    await page.getByTestId("offer-not-now").click();
    expect(await helper.next((m) => m.type === "session.offer_status" && m.status === "declined", 10_000)).toMatchObject({ sessionId: second.session.sessionId });
    expect(await page.getByTestId("offer").count()).toBe(0);
    expect(await page.getByTestId("code-box-0").isVisible()).toBe(true); // the code still works
    helper.kill();
    await page.context().close();
  });
});
