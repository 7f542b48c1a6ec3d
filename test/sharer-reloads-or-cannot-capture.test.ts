import { afterAll, beforeAll, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { type BrowserStack, startBrowserStack } from "./support/browser-stack.js";
import { browserStackMissing, newPage, type SharerBrowser, signIn } from "./support/browsers.js";
import { northwind } from "./support/demo-people.js";
import type { IdpHarness } from "./support/idp-harness.js";
import { describeNeeding } from "./support/needs.js";
import { saveScreenshot } from "./support/screenshots.js";
import { newSessionCode, openConsole, requestViewAndAllow, sharerJoins, waitForFrames } from "./support/web-session-steps.js";

/**
 * The sharer reloads the page mid-session (or the browser restores the tab):
 * the tab comes back into its session with the resume token it kept, chat
 * history and all, and the screen is shared again with one click. A screen
 * the browser cannot capture is explained to both sides, with a retry.
 */
const missing = browserStackMissing();

describeNeeding(missing)("a sharer who reloads the page mid-session, or whose screen cannot be captured", () => {
  let stack: BrowserStack;
  let h: IdpHarness;
  let helperBrowser: Browser;
  let sharerBrowser: SharerBrowser;
  beforeAll(async () => {
    stack = await startBrowserStack();
    ({ h, helperBrowser, sharerBrowser } = stack);
  }, 60_000);
  afterAll(() => stack?.close());

  it("comes back into the same session with its chat, shares the screen again with one click, and the helper sees frames again", { timeout: 90_000 }, async () => {
    const helper = await openConsole(helperBrowser, h.origin, northwind.operator);
    const code = await newSessionCode(helper);
    const sharer = await sharerJoins(sharerBrowser.browser, h.origin, northwind.sharer, code);
    await requestViewAndAllow(helper, sharer);
    await waitForFrames(helper, 5);
    await sharer.getByTestId("chat-input").fill("before the reload");
    await sharer.getByTestId("chat-input").press("Enter");
    await expect.poll(() => helper.getByTestId("chat-thread").textContent()).toContain("before the reload");

    await sharer.reload();
    await sharer.getByTestId("screen-lost").waitFor();
    expect(await sharer.getByTestId("chat-thread").textContent()).toContain("before the reload");
    expect(await sharer.getByTestId("sharing-bar").count()).toBe(0); // nothing is shared until the sharer picks the screen again
    await saveScreenshot(sharer, "sharer-back-after-reload-en");
    await sharer.getByTestId("language").selectOption("ar");
    await expect.poll(() => sharer.getByTestId("share-again").textContent()).toBe("مشاركة شاشتي مرة أخرى");
    await saveScreenshot(sharer, "sharer-back-after-reload-ar");
    await sharer.getByTestId("share-again").click();
    await sharer.getByTestId("screen-lost").waitFor({ state: "detached" });
    await sharer.getByTestId("sharing-bar").waitFor();
    const before = (await helper.evaluate(() => document.querySelector<HTMLVideoElement>("[data-testid=remote-video]")?.getVideoPlaybackQuality().totalVideoFrames ?? 0));
    await helper.waitForFunction((n) => (document.querySelector<HTMLVideoElement>("[data-testid=remote-video]")?.getVideoPlaybackQuality().totalVideoFrames ?? 0) > n + 10, before, { timeout: 20_000 });
    // Still one session on the helper's side: nothing ended.
    expect(await helper.getByTestId("end-reason").count()).toBe(0);
    await Promise.all([helper.context().close(), sharer.context().close()]);
  });

  it("says the sharer left when the session cannot be resumed, and offers the code screen", { timeout: 60_000 }, async () => {
    const helper = await openConsole(helperBrowser, h.origin, northwind.operator);
    const code = await newSessionCode(helper);
    const sharer = await sharerJoins(sharerBrowser.browser, h.origin, northwind.sharer, code);
    await helper.getByTestId("trust-screen").waitFor();
    // The tab kept a token the broker no longer accepts (the session was ended meanwhile).
    await helper.getByTestId("trust-screen").getByRole("button", { name: "End session" }).click();
    await sharer.getByTestId("sharer-ended").waitFor();
    await sharer.evaluate(() => sessionStorage.setItem("tandem.sharer.session", JSON.stringify({ sessionId: "00000000-0000-4000-8000-000000000000", resumeToken: "x".repeat(43), code: "abcd2345" })));
    await sharer.reload();
    await expect.poll(() => sharer.getByTestId("error").textContent().catch(() => "")).toContain("You left the session when the page reloaded");
    await sharer.getByTestId("join").waitFor();
    await saveScreenshot(sharer, "sharer-left-after-reload-en");
    await Promise.all([helper.context().close(), sharer.context().close()]);
  });

  it("tells the sharer in plain words with Allow to retry, tells the helper at once why, and works on the retry", { timeout: 90_000 }, async () => {
    const helper = await openConsole(helperBrowser, h.origin, northwind.operator);
    const code = await newSessionCode(helper);
    const page = await newPage(sharerBrowser.browser, { headed: true });
    // The sharer closes the browser's screen picker (the browser rejects with NotAllowedError), once.
    await page.addInitScript(() => {
      const real = navigator.mediaDevices.getDisplayMedia.bind(navigator.mediaDevices);
      let refused = false;
      navigator.mediaDevices.getDisplayMedia = (options) => (refused ? real(options) : ((refused = true), Promise.reject(new DOMException("Permission denied", "NotAllowedError"))));
    });
    await signIn(page, h.origin, `/s?code=${code}`, northwind.sharer);
    await page.getByTestId("join").click();
    await helper.getByTestId("request-view").click();
    await page.getByTestId("allow").click();
    await expect.poll(() => page.getByTestId("error").getAttribute("data-code")).toBe("sharer.capture_cancelled");
    expect(await page.getByTestId("error").textContent()).toBe("The screen picker was closed, so nothing was shared. Choose Allow to pick your screen again.");
    await expect.poll(() => helper.getByTestId("capture-failed").textContent()).toBe("Sam Okafor could not start sharing: the screen picker was closed. They can try again; you can keep waiting or end the session.");
    await saveScreenshot(helper, "helper-told-capture-failed-en");
    await saveScreenshot(page, "sharer-capture-cancelled-en");
    await page.getByTestId("allow").click(); // the retry
    await page.getByTestId("sharing-bar").waitFor();
    await waitForFrames(helper, 3);
    expect(await helper.getByTestId("capture-failed").count()).toBe(0);
    await Promise.all([helper.context().close(), page.context().close()]);
  });
});
