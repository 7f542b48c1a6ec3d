import type { Browser } from "playwright-core";
import type { BrokerConfigInput } from "../../src/server/config.js";
import { startXvfb, type XDisplay } from "../../tools/x-display.js";
import { browserStackMissing, launchHelperBrowser, launchSharerBrowser, type SharerBrowser } from "./browsers.js";
import { type IdpHarness, startIdpHarness } from "./idp-harness.js";

/** What a real-browser session test shares for its whole file: a broker with its IdP, one Xvfb, the helper's and the sharer's Chromium. */
export interface BrowserStack {
  h: IdpHarness;
  x: XDisplay;
  helperBrowser: Browser;
  sharerBrowser: SharerBrowser;
  close(): Promise<void>;
}

export async function startBrowserStack(settings: Partial<BrokerConfigInput> = {}): Promise<BrowserStack> {
  const missing = browserStackMissing();
  if (missing) throw new Error(missing);
  const [h, x, helperBrowser] = await Promise.all([startIdpHarness(settings), startXvfb(), launchHelperBrowser()]);
  const sharerBrowser = await launchSharerBrowser(x.display);
  return {
    h,
    x,
    helperBrowser,
    sharerBrowser,
    async close() {
      await sharerBrowser.close();
      await helperBrowser.close();
      x.stop();
      await h.close();
    },
  };
}
