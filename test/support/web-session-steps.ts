import { expect } from "vitest";
import type { Browser, Page } from "playwright-core";
import type { Person } from "./demo-people.js";
import { newPage, signIn } from "./browsers.js";

/** Steps of a session as people click through it in the console and the sharer page. */
export async function openConsole(browser: Browser, origin: string, person: Person, locale = "en-US"): Promise<Page> {
  const page = await newPage(browser, { locale });
  await signIn(page, origin, "/", person);
  return page;
}

/** To a console page through the menus, as a person goes: the top bar, and for an admin page its Administration menu. */
export async function goToPage(page: Page, name: string) {
  const main = page.getByRole("navigation", { name: "Main" });
  if ((await main.getByRole("link", { name, exact: true }).count()) > 0) return main.getByRole("link", { name, exact: true }).click();
  await main.getByRole("link", { name: "Administration", exact: true }).click();
  await page.getByRole("navigation", { name: "Administration pages" }).getByRole("link", { name, exact: true }).click();
}

export async function newSessionCode(helper: Page): Promise<string> {
  await helper.getByTestId("new-session").click();
  const code = (await helper.getByTestId("session-code").textContent({ timeout: 10_000 }))!.replace("-", "");
  expect(code).toMatch(/^[0-9A-Z]{8}$/);
  return code;
}

/** The sharer signs in on the sharer page, arriving with (or typing) the code, and connects. */
export async function sharerJoins(browser: Browser, origin: string, person: Person, code: string, o: { viaLink?: boolean; locale?: string; recordCapture?: boolean; countInput?: boolean } = {}): Promise<Page> {
  const page = await newPage(browser, { headed: true, locale: o.locale });
  if (o.recordCapture) await page.addInitScript(recordCaptureTracks);
  if (o.countInput) await page.addInitScript(countDataChannelMessages);
  await signIn(page, origin, o.viaLink === false ? "/s" : `/s?code=${code}`, person);
  if (o.viaLink === false) await typeCode(page, code);
  await page.getByTestId("join").click();
  return page;
}

/** Types a code the way people do: into the first box, letting the boxes advance. */
export async function typeCode(page: Page, code: string) {
  for (let i = 0; i < 8; i++) await page.getByTestId(`code-box-${i}`).fill("");
  await page.getByTestId("code-box-0").click();
  await page.keyboard.type(code);
}

/** Helper asks for view only, sharer allows, and the helper's video starts playing. */
export async function requestViewAndAllow(helper: Page, sharer: Page) {
  await helper.getByTestId("request-view").click();
  await helper.getByTestId("waiting-consent").waitFor();
  await sharer.getByTestId("allow").click();
  await sharer.getByTestId("sharing-bar").waitFor();
  await helper.getByTestId("active-session").waitFor();
}

/** Waits until the helper's <video> has decoded frames of the real screen; returns its size and frame count. */
export async function waitForFrames(helper: Page, minFrames = 10) {
  await helper.waitForFunction(
    (min) => {
      const v = document.querySelector<HTMLVideoElement>("[data-testid=remote-video]");
      return !!v && v.readyState >= 2 && v.videoWidth > 0 && v.getVideoPlaybackQuality().totalVideoFrames >= min;
    },
    minFrames,
    { timeout: 15_000 },
  );
  return helper.evaluate(() => {
    const v = document.querySelector<HTMLVideoElement>("[data-testid=remote-video]")!;
    return { width: v.videoWidth, height: v.videoHeight, frames: v.getVideoPlaybackQuality().totalVideoFrames };
  });
}

/** The colour the helper sees at a normalised point of the shared screen, in the <video> or in the one playing the frames as received over it. */
export function pixelAt(helper: Page, x: number, y: number, source: "remote-video" | "remote-fast" = "remote-video"): Promise<[number, number, number]> {
  return helper.evaluate(
    ([nx, ny, testId]) => {
      const el = document.querySelector<HTMLVideoElement>(`[data-testid=${testId}]`)!;
      const [w, h] = [el.videoWidth, el.videoHeight];
      const canvas = document.createElement("canvas");
      canvas.width = w;
      canvas.height = h;
      const ctx = canvas.getContext("2d")!;
      ctx.drawImage(el, 0, 0);
      const d = ctx.getImageData(Math.floor(Number(nx) * w), Math.floor(Number(ny) * h), 1, 1).data;
      return [d[0]!, d[1]!, d[2]!] as [number, number, number];
    },
    [x, y, source] as const,
  );
}

export function near(actual: [number, number, number], expected: [number, number, number], tolerance = 40): boolean {
  return actual.every((c, i) => Math.abs(c - expected[i]!) <= tolerance);
}

/** Test instrumentation: keeps the tracks getDisplayMedia returns in window.__captureTracks. */
function recordCaptureTracks() {
  const original = navigator.mediaDevices.getDisplayMedia.bind(navigator.mediaDevices);
  const w = window as unknown as { __captureTracks: MediaStreamTrack[] };
  w.__captureTracks = [];
  navigator.mediaDevices.getDisplayMedia = async (constraints) => {
    const stream = await original(constraints);
    w.__captureTracks.push(...stream.getTracks());
    return stream;
  };
}

/** Test instrumentation: counts every message that reaches the page on any data channel, in window.__inputMessages. */
function countDataChannelMessages() {
  const w = window as unknown as { __inputMessages: number };
  w.__inputMessages = 0;
  const create = RTCPeerConnection.prototype.createDataChannel;
  RTCPeerConnection.prototype.createDataChannel = function (label, options) {
    const channel = create.call(this, label, options);
    channel.addEventListener("message", () => w.__inputMessages++);
    return channel;
  };
}
