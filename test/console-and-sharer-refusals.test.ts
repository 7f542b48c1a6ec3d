import { afterAll, beforeAll, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { browserStackMissing, launchHelperBrowser, newPage, signIn } from "./support/browsers.js";
import { northwind } from "./support/demo-people.js";
import { desktopSharer } from "./support/desktop-sharer.js";
import { type IdpHarness, startIdpHarness } from "./support/idp-harness.js";
import { OffsetClock } from "./support/offset-clock.js";
import { goToPage, newSessionCode, openConsole, typeCode } from "./support/web-session-steps.js";
import { saveScreenshot } from "./support/screenshots.js";
import { describeNeeding } from "./support/needs.js";

/**
 * Everything that is refused or warned about, as the helper and the sharer see
 * it in their browsers: wrong and expired codes, rate limits, a declined
 * request, the unenrolled-device setting, a view-only helper, chat turned off.
 * No media here, so the sharer page runs headless too.
 */
const missing = browserStackMissing();

describeNeeding(missing)("refusals and warnings in the console and the sharer page", () => {
  let h: IdpHarness;
  let browser: Browser;
  const clock = new OffsetClock();

  beforeAll(async () => {
    if (missing) throw new Error(missing);
    [h, browser] = await Promise.all([startIdpHarness({}, { clock }), launchHelperBrowser()]);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  async function sharerPage(person = northwind.sharer, path = "/s"): Promise<Page> {
    const page = await newPage(browser);
    await signIn(page, h.origin, path, person);
    return page;
  }

  async function join(sharer: Page, code: string) {
    await typeCode(sharer, code);
    await sharer.getByTestId("join").click();
  }

  async function setSetting(admin: Page, key: string, on: boolean) {
    await goToPage(admin, "Settings");
    const box = admin.getByTestId(`setting-${key}`);
    if ((await box.isChecked()) !== on) await box.click();
    await admin.getByTestId("save-settings").click();
    await admin.getByText("Saved.").waitFor();
  }

  it("says a wrong code is wrong, accepts look-alikes and lower case, then rate-limits guessing", { timeout: 60_000 }, async () => {
    const helper = await openConsole(browser, h.origin, northwind.operator);
    const code = await newSessionCode(helper);
    const sharer = await sharerPage(northwind.sharer2);

    const wrong = code.slice(0, 7) + (code[7] === "Z" ? "Y" : "Z");
    await join(sharer, wrong);
    await expect.poll(() => sharer.getByTestId("error").textContent()).toBe("That code is not right. Check it with your helper.");

    // Pasting the real code in lower case with a hyphen works (the boxes normalise it).
    for (let i = 0; i < 8; i++) await sharer.getByTestId(`code-box-${i}`).fill("");
    await sharer.getByTestId("code-box-0").focus();
    await sharer.evaluate((text) => {
      const box = document.querySelector<HTMLInputElement>("[data-testid=code-box-0]")!;
      const data = new DataTransfer();
      data.setData("text", text);
      box.dispatchEvent(new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }));
    }, `${code.slice(0, 4)}-${code.slice(4)}`.toLowerCase());
    await sharer.getByTestId("join").click();
    await sharer.getByTestId("sharer-connected").waitFor();
    await helper.getByTestId("trust-screen").waitFor();
    await helper.getByTestId("end-session").or(helper.getByRole("button", { name: "End session" })).first().click();

    // Guessing: after five wrong codes a minute, the page says to wait.
    const guesser = await sharerPage(northwind.sharer2);
    const texts: string[] = [];
    for (let i = 0; i < 6; i++) {
      await join(guesser, `ZZZZZZ${String(i).padStart(2, "0")}`);
      await expect.poll(() => guesser.getByTestId("error").getAttribute("data-code")).not.toBeNull();
      texts.push((await guesser.getByTestId("error").textContent())!);
      for (let b = 0; b < 8; b++) await guesser.getByTestId(`code-box-${b}`).fill("");
    }
    expect(texts.at(-1)).toMatch(/^Too many tries\. Wait \d+ seconds? and try again\.$/);
    await Promise.all([helper.context().close(), sharer.context().close(), guesser.context().close()]);
  });

  it("tells both sides when the sharer declines", { timeout: 60_000 }, async () => {
    const helper = await openConsole(browser, h.origin, northwind.operator);
    const sharer = await sharerPage();
    await join(sharer, await newSessionCode(helper));
    await helper.getByTestId("request-view").click();
    await sharer.getByTestId("decline").click();
    await helper.getByTestId("session-ended").waitFor();
    expect(await helper.getByTestId("end-reason").textContent()).toBe("Sam Okafor declined the request.");
    expect(await sharer.getByTestId("sharer-ended").textContent()).toContain("You declined. Nothing was shared.");
    await Promise.all([helper.context().close(), sharer.context().close()]);
  });

  it("says when the code expired, on the console and to a sharer who enters it late", { timeout: 60_000 }, async () => {
    const helper = await openConsole(browser, h.origin, northwind.operator);
    const sharer = await sharerPage();
    const code = await newSessionCode(helper);
    clock.jump(11 * 60_000); // past the 10-minute code lifetime
    await helper.getByTestId("session-ended").waitFor();
    expect(await helper.getByTestId("end-reason").textContent()).toBe("The code expired before anyone used it.");
    await join(sharer, code);
    await expect.poll(() => sharer.getByTestId("error").getAttribute("data-code")).toMatch(/^error\.code_(expired|used)$/);
    await Promise.all([helper.context().close(), sharer.context().close()]);
  });

  it("refuses a web sharer when unenrolled devices are not allowed, and warns when they are", { timeout: 60_000 }, async () => {
    const admin = await openConsole(browser, h.origin, northwind.admin);
    await setSetting(admin, "allowUnenrolledDevices", false);
    const helper = await openConsole(browser, h.origin, northwind.operator);
    const sharer = await sharerPage();
    await join(sharer, await newSessionCode(helper));
    await expect.poll(() => sharer.getByTestId("error").getAttribute("data-code")).toBe("error.policy_blocked");
    expect(await sharer.getByTestId("error").textContent()).toMatch(/^Your organisation's policy does not allow this: /);

    await setSetting(admin, "allowUnenrolledDevices", true);
    await helper.getByTestId("cancel-session").click();
    await helper.getByTestId("back-home").click();
    await join(sharer, await newSessionCode(helper));
    await helper.getByTestId("trust-screen").waitFor();
    expect(await helper.getByTestId("warning-unenrolled").textContent()).toContain("does not manage");
    await Promise.all([admin.context().close(), helper.context().close(), sharer.context().close()]);
  });

  it("shows an enrolled desktop sharer's device and compliance, and offers control only to helpers who may take it", { timeout: 60_000 }, async () => {
    // An out-of-date macOS against a rule the admin sets in the console.
    const admin = await openConsole(browser, h.origin, northwind.admin);
    await admin.getByRole("link", { name: "Devices" }).click();
    await admin.getByPlaceholder("14.0").fill("15.0");
    await admin.getByRole("button", { name: "Save" }).click();
    await admin.getByText("Saved.").waitFor();

    for (const [person, offersControl] of [[northwind.operator, true], [northwind.readOnly, false]] as const) {
      const helper = await openConsole(browser, h.origin, person);
      const code = await newSessionCode(helper);
      const { client } = await desktopSharer(h, northwind.sharer2, { enrolled: true, osVersion: "14.6", admin: northwind.admin });
      await client.request({ type: "session.join", code }, "session.joined");
      await helper.getByTestId("trust-screen").waitFor();
      expect(await helper.getByTestId("sharer-device").textContent()).toContain("macOS 14.6");
      expect(await helper.getByTestId("warning-unenrolled").count()).toBe(0);
      expect(await helper.getByTestId("warning-noncompliant").textContent()).toContain("15.0");
      expect(await helper.getByTestId("request-control").count()).toBe(offersControl ? 1 : 0);
      expect(await helper.getByTestId("request-view").isVisible()).toBe(true);
      client.kill();
      await helper.context().close();
    }
    await admin.context().close();
  });

  it("helps a device from the device list: the code card names it, and the broker's warning shows when the person joins from the web page", { timeout: 60_000 }, async () => {
    const { client: lea } = await desktopSharer(h, northwind.sharer2, { enrolled: true, admin: northwind.admin, name: "Léa's ThinkPad" });
    lea.kill();
    const helper = await openConsole(browser, h.origin, northwind.operator);
    await helper.getByTestId("device").filter({ hasText: "Léa's ThinkPad" }).getByRole("button", { name: "New remote help session" }).click();
    expect(await helper.getByTestId("code-for-device").textContent()).toBe("For Léa's ThinkPad");
    // The app of that device is closed: the helper is told to read the code instead.
    await expect.poll(() => helper.getByTestId("offer-status").getAttribute("data-status"), { timeout: 5_000 }).toBe("offline");
    expect(await helper.getByTestId("offer-status").textContent()).toBe("Léa's ThinkPad is not connected right now: read this code to the person.");
    await saveScreenshot(helper, "console-offer-offline-en");
    const code = (await helper.getByTestId("session-code").textContent())!.replace("-", "");
    const sharer = await sharerPage();
    await join(sharer, code);
    await helper.getByTestId("trust-screen").waitFor();
    expect(await helper.getByTestId("warning-other-device").textContent()).toBe("⚠ This session was made for Léa's ThinkPad, but the person joined from another device. Make sure you are helping the right computer.");
    await Promise.all([helper.context().close(), sharer.context().close()]);
  });

  it("disables chat on both pages when the tenant turned it off", { timeout: 60_000 }, async () => {
    const admin = await openConsole(browser, h.origin, northwind.admin);
    await setSetting(admin, "chatEnabled", false);
    const helper = await openConsole(browser, h.origin, northwind.operator);
    const sharer = await sharerPage();
    await join(sharer, await newSessionCode(helper));
    await helper.getByTestId("trust-screen").waitFor();
    expect(await helper.getByTestId("chat-disabled").textContent()).toBe("Chat is turned off by your organisation.");
    expect(await helper.getByTestId("chat-input").count()).toBe(0);
    await sharer.getByTestId("sharer-connected").waitFor();
    expect(await sharer.getByTestId("chat-disabled").isVisible()).toBe(true);
    await setSetting(admin, "chatEnabled", true);
    await Promise.all([admin.context().close(), helper.context().close(), sharer.context().close()]);
  });
});
