import { type Browser, chromium, type Page } from "playwright-core";

/** Who signs in: a directory account. */
export interface Account {
  username: string;
  password: string;
}

/**
 * Real Chromium (Debian's) for the console and the sharer page, for tests and benchmarks. The helper
 * runs headless; the sharer runs headed on its own Xvfb screen so
 * getDisplayMedia captures the real screen (../shared/RECIPES.md).
 */
export const CHROMIUM = "/usr/bin/chromium";
export const CHROMIUM_FLAGS = [
  "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic",
  "--ignore-certificate-errors", // the broker's local CA; the pages are still https, so a secure context
  "--disable-features=WebRtcHideLocalIpsWithMdns", // real host candidates inside the test network namespace
  "--autoplay-policy=no-user-gesture-required",
];

export function launchHelperBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS });
}

export interface SharerBrowser {
  browser: Browser;
  /** The browser's main process (its renderers, GPU and network processes are its children). */
  pid: number;
  /** SIGKILL, as when the sharer's machine or browser dies: no goodbye on any socket. */
  kill(): Promise<void>;
  close(): Promise<void>;
}

/** Headed, on `display`, answering getDisplayMedia with the entire screen; its window sits on the right half. */
export async function launchSharerBrowser(display: string, lang = "en-US"): Promise<SharerBrowser> {
  const server = await chromium.launchServer({
    executablePath: CHROMIUM,
    headless: false,
    env: { ...process.env, DISPLAY: display, LANG: lang.replace("-", "_") + ".UTF-8" },
    args: [...CHROMIUM_FLAGS, "--auto-select-desktop-capture-source=Entire screen", "--window-position=960,0", "--window-size=960,1040", `--lang=${lang}`],
  });
  const browser = await chromium.connect(server.wsEndpoint());
  return {
    browser,
    pid: server.process().pid!,
    kill: async () => {
      server.process().kill("SIGKILL");
      await browser.close().catch(() => undefined);
    },
    close: async () => {
      await browser.close().catch(() => undefined);
      await server.close().catch(() => undefined);
    },
  };
}

/** `bypassCSP`: for a benchmark's page that talks to a stand-in on loopback the page's policy does not name. */
export async function newPage(browser: Browser, o: { headed?: boolean; locale?: string; bypassCSP?: boolean } = {}): Promise<Page> {
  const context = await browser.newContext({ ignoreHTTPSErrors: true, ...(o.headed ? { viewport: null } : { viewport: { width: 1400, height: 900 } }), locale: o.locale ?? "en-US", ...(o.bypassCSP ? { bypassCSP: true } : {}) });
  const page = await context.newPage();
  if (process.env.TANDEM_DEBUG_BROWSER) {
    page.on("console", (m) => console.log(`[${o.headed ? "sharer" : "helper"} console] ${m.text()}`));
    page.on("pageerror", (e) => console.log(`[${o.headed ? "sharer" : "helper"} error] ${e.stack}`));
    page.on("websocket", (ws) => ws.on("framereceived", (f) => console.log(`[${o.headed ? "sharer" : "helper"} ws<] ${String(f.payload).slice(0, 160)}`)).on("framesent", (f) => console.log(`[${o.headed ? "sharer" : "helper"} ws>] ${String(f.payload).slice(0, 160)}`)));
  }
  return page;
}

/** Signs in through the app's own button and the IdP's real login page, landing back on `path`. */
export async function signIn(page: Page, origin: string, path: string, person: Account): Promise<void> {
  await page.goto(`${origin}${path}`);
  await page.getByTestId("sign-in").click();
  await page.locator("#username").fill(person.username);
  await page.locator("#password").fill(person.password);
  await page.locator("button[type=submit]").click();
  await page.waitForURL((url) => url.origin === origin && url.pathname === new URL(`${origin}${path}`).pathname, { timeout: 15_000 });
  await page.getByTestId("signed-in-as").waitFor();
}
