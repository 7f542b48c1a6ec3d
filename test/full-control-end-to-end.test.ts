import { execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { createInputRelay } from "../src/main/input-relay.js";
import type { Party } from "../src/protocol/index.js";
import { type AgentProcess, startAgent } from "../tools/agent-process.js";
import type { DeviceKey } from "../tools/device-key.js";
import { attachDesktopBridge } from "../tools/desktop-stand-in.js";
import { enrolledDeviceOfSam } from "./support/desktop-sharer.js";
import { keyFor } from "../tools/us-keyboard.js";
import { startXvfb, type XDisplay } from "../tools/x-display.js";
import { browserStackMissing, launchHelperBrowser, launchSharerBrowser, newPage, type SharerBrowser, signIn } from "./support/browsers.js";
import { northwind } from "./support/demo-people.js";
import { type IdpHarness, startIdpHarness } from "./support/idp-harness.js";
import { newSessionCode, openConsole, waitForFrames } from "./support/web-session-steps.js";
import { describeNeeding } from "./support/needs.js";
import { saveScreenshot } from "./support/screenshots.js";

/**
 * Full control without Electron: the helper's console (Chromium) → WebRTC
 * `input`/`pointer` channels → the sharer page in desktop mode (headed Chromium
 * under Xvfb, with a test bridge standing in for the preload) → main's input
 * relay → the real agent process → the X server. Then the sharer takes control
 * back and the helper's input does nothing.
 */
const missing = browserStackMissing();

describeNeeding(missing)("full control from the console to the sharer's X server", () => {
  let h: IdpHarness;
  let x: XDisplay;
  let agent: AgentProcess;
  let helperBrowser: Browser;
  let sharerBrowser: SharerBrowser;
  let device: DeviceKey;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tandem-control-"));
  const typed = path.join(dir, "typed.txt");

  beforeAll(async () => {
    if (missing) throw new Error(missing);
    [h, x, helperBrowser] = await Promise.all([startIdpHarness(), startXvfb(), launchHelperBrowser()]);
    fs.writeFileSync(typed, "");
    spawn("xterm", ["-geometry", "80x10+100+100", "-e", "sh", "-c", `stty -echo; cat > ${typed}`], { env: { ...process.env, DISPLAY: x.display }, stdio: "ignore" });
    [agent, sharerBrowser] = await Promise.all([startAgent(x.display), launchSharerBrowser(x.display)]);
    device = await enrolledDeviceOfSam(h);
  }, 60_000);

  afterAll(async () => {
    await sharerBrowser?.close();
    await helperBrowser?.close();
    await agent?.stop();
    x?.stop();
    await h?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Who main's consent prompt named, in order. */
  const prompted: Party[] = [];
  /** The sharer page in desktop mode: window.tandemDesktop backed by main's real input relay, its real consent check (the prompt answered Allow) and the real agent. */
  async function desktopSharerPage(): Promise<Page> {
    const page = await newPage(sharerBrowser.browser, { headed: true });
    await attachDesktopBridge(page, createInputRelay(agent), device, { consent: { broker: { origin: h.origin, ca: h.ca }, shown: prompted } });
    return page;
  }

  const xPointer = () => {
    const m = /x:(\d+) y:(\d+)/.exec(execFileSync("xdotool", ["getmouselocation"], { env: { ...process.env, DISPLAY: x.display }, encoding: "utf8" }))!;
    return { x: Number(m[1]), y: Number(m[2]) };
  };
  /** Where on the helper's page a pixel of the sharer's screen is shown. */
  const onVideo = (helper: Page, px: number, py: number) =>
    helper.getByTestId("remote-video").evaluate((v: HTMLVideoElement, [sx, sy]) => {
      const box = v.getBoundingClientRect();
      const scale = Math.min(box.width / v.videoWidth, box.height / v.videoHeight);
      return { x: box.left + (box.width - v.videoWidth * scale) / 2 + sx! * scale, y: box.top + (box.height - v.videoHeight * scale) / 2 + sy! * scale };
    }, [px, py]);
  const readTyped = async (expected: string) => {
    for (let i = 0; i < 60 && fs.readFileSync(typed, "utf8") !== expected; i++) await new Promise((r) => setTimeout(r, 50));
    return fs.readFileSync(typed, "utf8");
  };

  it("the helper moves the sharer's pointer and types into their terminal; after the sharer takes control back, nothing more", { timeout: 90_000 }, async () => {
    const helper = await openConsole(helperBrowser, h.origin, northwind.operator);
    const code = await newSessionCode(helper);
    const sharer = await desktopSharerPage();
    await signIn(sharer, h.origin, `/s?code=${code}`, northwind.sharer);
    await sharer.getByTestId("join").click();

    // The desktop app proved its enrolled device: no warnings, control offered.
    await helper.getByTestId("trust-screen").waitFor();
    expect(await helper.getByTestId("sharer-device").textContent()).toContain("Sam's workstation");
    expect(await helper.getByTestId("warning-unenrolled").count()).toBe(0);
    await helper.getByTestId("request-control").click();
    await sharer.getByTestId("sharer-trust").waitFor();
    expect(await sharer.getByTestId("needs-desktop").count()).toBe(0);
    await sharer.getByTestId("allow").click();
    await helper.getByTestId("controlling").waitFor();
    // Main's own prompt named the helper the broker signed for, before anything could be injected.
    expect(prompted).toEqual([expect.objectContaining({ name: "Hugo Moreau", userId: northwind.operator.id, verifiedDomain: "northwind.test" })]);
    const frames = await waitForFrames(helper, 5);
    expect(frames.width).toBe(1920);

    // Pointer: over the xterm (at 100,100 on the sharer's screen), through the video.
    await helper.getByTestId("remote-video").click({ position: { x: 5, y: 5 } }); // focus the screen (a click at its corner)
    const target = { x: 300, y: 150 };
    const spot = await onVideo(helper, target.x, target.y);
    await helper.mouse.move(spot.x, spot.y, { steps: 5 });
    await expect.poll(() => { const p = xPointer(); return Math.abs(p.x - target.x) <= 3 && Math.abs(p.y - target.y) <= 3; }, { timeout: 5_000 }).toBe(true);

    // Keys: typed by the helper's keyboard, physical keys with Shift, into the sharer's terminal.
    // With no window manager, a click does not move keyboard focus (Chromium took it when it started); do what a window manager would on the helper's click.
    await helper.mouse.click(spot.x, spot.y);
    const xterm = execFileSync("xdotool", ["search", "--class", "xterm"], { env: { ...process.env, DISPLAY: x.display }, encoding: "utf8" }).trim().split("\n")[0]!;
    execFileSync("xdotool", ["windowfocus", "--sync", xterm], { env: { ...process.env, DISPLAY: x.display } });
    const text = "Hello, World! @#$%^&*()_+{}:\"<>?";
    await typeOnKeyboard(helper, `${text}\n`);
    expect(await readTyped(`${text}\n`)).toBe(`${text}\n`);

    // The sharer takes control back: the session goes on, view only; the helper's keys and moves do nothing.
    await sharer.getByRole("button", { name: "Allow view only" }).click();
    await helper.getByTestId("controlling").waitFor({ state: "detached" });
    const before = xPointer();
    await helper.mouse.move(spot.x + 200, spot.y + 100, { steps: 5 });
    await helper.keyboard.type("ignored");
    await helper.keyboard.press("Enter");
    await new Promise((r) => setTimeout(r, 500));
    expect(xPointer()).toEqual(before);
    expect(fs.readFileSync(typed, "utf8")).toBe(`${text}\n`);
    await Promise.all([helper.context().close(), sharer.context().close()]);
  });

  it("when the sharer says no in main's own prompt, the session ends declined and nothing reaches their screen", { timeout: 60_000 }, async () => {
    const helper = await openConsole(helperBrowser, h.origin, northwind.operator);
    const code = await newSessionCode(helper);
    const sharer = await newPage(sharerBrowser.browser, { headed: true });
    const shown: Party[] = [];
    await attachDesktopBridge(sharer, createInputRelay(agent), device, { consent: { broker: { origin: h.origin, ca: h.ca }, shown, answer: () => false } });
    await signIn(sharer, h.origin, `/s?code=${code}`, northwind.sharer);
    await sharer.getByTestId("join").click();
    await helper.getByTestId("request-control").click();
    await sharer.getByTestId("sharer-trust").waitFor();
    const before = xPointer();
    await sharer.getByTestId("allow").click(); // the page's Allow: main's prompt still decides
    await expect.poll(() => sharer.getByTestId("sharer-ended").getAttribute("data-reason")).toBe("sharer_declined");
    expect(shown.map((p) => p.name)).toEqual(["Hugo Moreau"]);
    await expect.poll(() => helper.getByTestId("end-reason").textContent()).toContain("declined");
    expect(xPointer()).toEqual(before);
    await saveScreenshot(sharer, "sharer-declined-in-main-prompt-en");
    await Promise.all([helper.context().close(), sharer.context().close()]);
  });
});

/** Types as a person does on a US keyboard: Shift held down around shifted characters (Playwright's type() sends none). */
async function typeOnKeyboard(page: Page, text: string) {
  for (const char of text) {
    const { code, shift } = keyFor(char);
    if (shift) await page.keyboard.down("Shift");
    await page.keyboard.press(code);
    if (shift) await page.keyboard.up("Shift");
  }
}
