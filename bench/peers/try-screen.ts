import { launchHelperBrowser } from "../../tools/chromium.js";
import { startXvfb } from "../../tools/x-display.js";
import { openTimecodeWindow } from "../media/timecode-window.js";
import { measureTandem } from "./tandem-side.js";
import { measureVnc } from "./vnc-side.js";
import { percentile } from "../broker/stats.js";
const x = await startXvfb();
const content = await openTimecodeWindow(x.display);
const helperBrowser = await launchHelperBrowser();
const run = { display: x.display, contentOrigin: content.origin, helperBrowser, seconds: 8, clicks: 30, keys: 30 };
const show = (name: string, f: any) => console.log(name, JSON.stringify(f.screen), "clicks", percentile(f.clicks.samples, 50), percentile(f.clicks.samples, 99), f.clicks.missed, "keys", percentile(f.keys.samples, 50), percentile(f.keys.samples, 99), f.keys.missed, f.detail);
try {
  if (process.argv.includes("vnc")) show("vnc", await measureVnc(run));
  if (process.argv.includes("tandem")) show("tandem", await measureTandem(run));
} finally {
  await helperBrowser.close(); await content.close(); x.stop();
}
