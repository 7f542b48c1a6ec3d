import type { Browser, Page } from "playwright-core";
import { createInputRelay } from "../../src/main/input-relay.js";
import type { AgentProcess } from "../../tools/agent-process.js";
import { newPage, signIn } from "../../tools/chromium.js";
import { attachDesktopBridge, registerDevice } from "../../tools/desktop-stand-in.js";
import { signInAsDesktop } from "../../tools/desktop-sign-in.js";
import { sleep } from "../broker/stats.js";

/**
 * A full-control session as a help desk runs it, for benchmarks: an enrolled
 * desktop sharer (the sharer page in desktop mode, main's real input relay, the
 * real agent) and a helper console that asked for control and got it, with the
 * sharer's screen streaming. Scripts given in `helperScripts` and
 * `sharerScripts` run in the pages before their own (measurement hooks);
 * `onRelayInput` sees each input event as it reaches main's relay.
 */
export interface ControlSession {
  helper: Page;
  sharer: Page;
  /** Where a pixel of the sharer's screen is drawn in the helper's page. */
  onScreen(sx: number, sy: number): { x: number; y: number };
  close(): Promise<void>;
}

export const BENCH_PEOPLE = {
  helper: { username: "hugo@northwind.test", password: "demo-helper-1" },
  sharer: { username: "sam@northwind.test", password: "demo-sharer-1" },
  admin: { username: "ada@northwind.test", password: "demo-admin-1" },
};

export async function startControlSession(o: { origin: string; ca: string; agent: AgentProcess; helperBrowser: Browser; sharerBrowser: Browser; helperScripts?: string[]; sharerScripts?: string[]; onRelayInput?: (event: unknown) => void }): Promise<ControlSession> {
  const { origin, ca } = o;
  const wsUrl = `${origin.replace(/^http/, "ws")}/ws`;
  // The desktop app's device, enrolled (as an MDM-deployed app registers on first start).
  const issuer = `${origin}/idp`;
  const adminToken = (await signInAsDesktop({ issuer, ca, ...BENCH_PEOPLE.admin })).accessToken;
  const enrollment = await postJson(`${origin}/api/enrollment-token`, adminToken, ca);
  const sharerToken = (await signInAsDesktop({ issuer, ca, ...BENCH_PEOPLE.sharer })).accessToken;
  const device = await registerDevice({ wsUrl, ca, sharerToken, enrollmentToken: enrollment.token as string, name: "bench workstation" });

  const helper = await newPage(o.helperBrowser);
  for (const content of o.helperScripts ?? []) await helper.addInitScript({ content });
  await signIn(helper, origin, "/", BENCH_PEOPLE.helper);
  await helper.getByTestId("new-session").click();
  const code = (await helper.getByTestId("session-code").textContent())!.replace("-", "");
  // The bridge to main is a message pipe on loopback (as Electron's IPC is), not Playwright's DevTools round trip.
  const sharer = await newPage(o.sharerBrowser, { headed: true, bypassCSP: true });
  for (const content of o.sharerScripts ?? []) await sharer.addInitScript({ content });
  const relay = createInputRelay(o.agent);
  const onRelayInput = o.onRelayInput;
  if (onRelayInput) {
    const input = relay.input;
    relay.input = (sessionId, event) => (onRelayInput(event), input(sessionId, event));
  }
  // Main's consent prompt, answered Allow as the sharer would (the grant it checks is the broker's real one).
  await attachDesktopBridge(sharer, relay, device, { consent: { broker: { origin, ca } }, ipc: "socket" });
  await signIn(sharer, origin, `/s?code=${code}`, BENCH_PEOPLE.sharer);
  await sharer.getByTestId("join").click();
  await step("control requested", helper.getByTestId("request-control").click());
  await step("sharer asked", sharer.getByTestId("allow").click());
  await step("helper controlling", helper.getByTestId("controlling").waitFor());
  await step("video flowing", helper.waitForFunction(() => (document.querySelector<HTMLVideoElement>("[data-testid=remote-video]")?.videoWidth ?? 0) > 0));
  await sleep(1500);

  const video = await helper.getByTestId("remote-video").evaluate((v: HTMLVideoElement) => {
    const box = v.getBoundingClientRect();
    const scale = Math.min(box.width / v.videoWidth, box.height / v.videoHeight);
    return { left: box.left + (box.width - v.videoWidth * scale) / 2, top: box.top + (box.height - v.videoHeight * scale) / 2, scale };
  });
  return {
    helper,
    sharer,
    onScreen: (sx, sy) => ({ x: video.left + sx * video.scale, y: video.top + sy * video.scale }),
    close: async () => void (await Promise.all([helper, sharer].map((p) => p.context().close().catch(() => undefined)))),
  };
}

/** Fails a benchmark that waits forever with the stage it waited in. */
export async function step<T>(what: string, action: Promise<T>, ms = 20_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`benchmark stuck: ${what} (${ms} ms)`)), ms)));
  try {
    return await Promise.race([action, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function postJson(url: string, token: string, ca: string): Promise<Record<string, unknown>> {
  const { request } = await import("node:https");
  return new Promise((resolve, reject) => {
    const req = request(url, { method: "POST", ca, headers: { authorization: `Bearer ${token}` } }, (res) => {
      let body = "";
      res.on("data", (c) => (body += c));
      res.on("end", () => (res.statusCode === 200 ? resolve(JSON.parse(body)) : reject(new Error(`${url}: HTTP ${res.statusCode} ${body}`))));
    });
    req.on("error", reject);
    req.end();
  });
}
