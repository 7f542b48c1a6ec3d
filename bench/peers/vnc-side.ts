import { newPage } from "../../tools/chromium.js";
import { openXEventWindow } from "../../tools/x-events.js";
import { sleep } from "../broker/stats.js";
import { step } from "../input/control-session.js";
import { focusThroughHelper, measureClicks, measureKeys } from "../input/pointer-and-keys.js";
import { COUNT_WEBSOCKET_BYTES, PAUSE_FRAME_PROBE } from "../media/page-hooks.js";
import { frameProbeScript } from "../media/timecode-page.js";
import { measureScreen } from "./screen-figures.js";
import type { SideFigures, SideRun } from "./tandem-side.js";
import { startVncPeer } from "./vnc-peer.js";

/**
 * x11vnc + noVNC as a help desk runs it: x11vnc on the sharer's X display,
 * websockify in front of it, noVNC's lite client in the helper's headless
 * Chromium. Sharer side = x11vnc and websockify.
 */
export async function measureVnc(run: SideRun): Promise<SideFigures & { versions: string }> {
  const vnc = await startVncPeer(run.display);
  try {
    const helper = await newPage(run.helperBrowser);
    await helper.addInitScript({ content: frameProbeScript(run.contentOrigin, { source: ["#screen canvas"], clock: "animation-frame" }) });
    await helper.addInitScript({ content: COUNT_WEBSOCKET_BYTES });
    await helper.goto(vnc.clientUrl);
    await step("noVNC shows the screen", helper.waitForFunction(() => (document.querySelector<HTMLCanvasElement>("#screen canvas")?.width ?? 0) >= 1920));
    await sleep(2000); // as for Tandem: past the start
    const bytes = () => helper.evaluate(() => (window as unknown as { __wsBytes: number }).__wsBytes);
    const screen = await measureScreen(helper, bytes, { x11vnc: [vnc.pids.x11vnc], websockify: [vnc.pids.websockify] }, run.seconds);

    const box = await helper.locator("#screen canvas").evaluate((c: HTMLCanvasElement) => {
      const r = c.getBoundingClientRect();
      return { left: r.left, top: r.top, scale: r.width / c.width };
    });
    const onScreen = (sx: number, sy: number) => ({ x: box.left + sx * box.scale, y: box.top + sy * box.scale });
    await helper.evaluate(PAUSE_FRAME_PROBE);
    const target = await openXEventWindow(run.display, { x: 80, y: 200, width: 760, height: 600 });
    try {
      await step("first click arrives", focusThroughHelper(helper, onScreen, target));
      const clicks = await measureClicks(helper, onScreen, target, run.clicks, box.scale);
      const keys = await measureKeys(helper, target, run.keys);
      return { screen, clicks, keys, detail: "noVNC defaults (Tight encoding, JPEG quality 6, compression 2)", versions: vnc.versions };
    } finally {
      target.stop();
      await helper.context().close();
    }
  } finally {
    await vnc.stop();
  }
}
