import { chromium } from "playwright-core";
import { CHROMIUM, CHROMIUM_FLAGS } from "../../tools/chromium.js";
import { TIMECODE_PAGE } from "./timecode-page.js";

/**
 * The changing content a screen benchmark shares: the time code page in its
 * own headed window on the left half of `display` (960x1080). `origin` is where
 * the page's content sits on the screen, below and beside whatever frame the
 * window draws.
 */
export async function openTimecodeWindow(display: string): Promise<{ origin: { left: number; top: number }; pid: number; close(): Promise<void> }> {
  const server = await chromium.launchServer({ executablePath: CHROMIUM, headless: false, env: { ...process.env, DISPLAY: display }, args: [...CHROMIUM_FLAGS, "--window-position=0,0", "--window-size=960,1080", "--app=data:text/html,"] });
  const browser = await chromium.connect(server.wsEndpoint());
  const context = await browser.newContext({ viewport: null });
  const page = context.pages()[0] ?? (await context.newPage());
  await page.setContent(TIMECODE_PAGE);
  const origin = await page.evaluate(() => ({ left: window.screenX + (window.outerWidth - window.innerWidth), top: window.screenY + (window.outerHeight - window.innerHeight) }));
  return {
    origin,
    pid: server.process().pid!,
    close: async () => {
      await browser.close().catch(() => undefined);
      await server.close().catch(() => undefined);
    },
  };
}
