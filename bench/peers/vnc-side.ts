import { newPage } from "../../tools/chromium.js";
import { step } from "../input/control-session.js";
import { COUNT_WEBSOCKET_BYTES } from "../media/page-hooks.js";
import { frameProbeScript } from "../media/timecode-page.js";
import type { Side, SideRun } from "./side.js";
import { startVncPeer } from "./vnc-peer.js";

/**
 * x11vnc + noVNC as a help desk runs it, connected and streaming: x11vnc on
 * the sharer's X display, websockify in front of it, noVNC's lite client in the
 * helper's headless Chromium. Sharer side = x11vnc and websockify.
 */
export async function openVnc(run: SideRun): Promise<Side & { versions: string }> {
  const vnc = await startVncPeer(run.display);
  try {
    const helper = await newPage(run.helperBrowser);
    await helper.addInitScript({ content: frameProbeScript(run.contentOrigin, ["#screen canvas"]) });
    await helper.addInitScript({ content: COUNT_WEBSOCKET_BYTES });
    await helper.goto(vnc.clientUrl);
    await step("noVNC shows the screen", helper.waitForFunction(() => (document.querySelector<HTMLCanvasElement>("#screen canvas")?.width ?? 0) >= 1920));
    const box = await helper.locator("#screen canvas").evaluate((c: HTMLCanvasElement) => {
      const r = c.getBoundingClientRect();
      return { left: r.left, top: r.top, scale: r.width / c.width };
    });
    return {
      helper,
      onScreen: (sx, sy) => ({ x: box.left + sx * box.scale, y: box.top + sy * box.scale }),
      scale: box.scale,
      bytes: () => helper.evaluate(() => (window as unknown as { __wsBytes: number }).__wsBytes),
      sharerSide: { x11vnc: [vnc.pids.x11vnc], websockify: [vnc.pids.websockify] },
      versions: vnc.versions,
      close: async () => {
        await helper.context().close();
        await vnc.stop();
      },
    };
  } catch (error) {
    await vnc.stop();
    throw error;
  }
}
