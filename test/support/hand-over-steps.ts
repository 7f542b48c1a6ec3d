import crypto from "node:crypto";
import fs from "node:fs";
import type { Page } from "playwright-core";

/** Steps and readings for drawing and files, in the pages as people use them. */

/** Drags on the helper's drawing layer from one normalised point of the shared screen to another. */
export async function dragOnScreen(helper: Page, from: [number, number], to: [number, number], steps = 8) {
  const box = (await helper.getByTestId("annotation-layer").boundingBox())!;
  const at = ([x, y]: [number, number]) => [box.x + x * box.width, box.y + y * box.height] as const;
  await helper.mouse.move(...at(from));
  await helper.mouse.down();
  for (let i = 1; i <= steps; i++) await helper.mouse.move(...at([from[0] + ((to[0] - from[0]) * i) / steps, from[1] + ((to[1] - from[1]) * i) / steps]));
  await helper.mouse.up();
}

/** The colour and opacity drawn at a normalised point of a canvas (the sharer's picture, or the helper's layer). */
export function inkAt(page: Page, testId: string, x: number, y: number): Promise<[number, number, number, number]> {
  return page.getByTestId(testId).evaluate(
    (c: HTMLCanvasElement, [nx, ny]) => {
      // The line is a few pixels wide: the strongest pixel of a small square around the point.
      const ctx = c.getContext("2d")!;
      const cx = Math.floor(nx! * c.width);
      const cy = Math.floor(ny! * c.height);
      const d = ctx.getImageData(Math.max(0, cx - 3), Math.max(0, cy - 3), 7, 7).data;
      let best: [number, number, number, number] = [0, 0, 0, 0];
      for (let i = 0; i < d.length; i += 4) if (d[i + 3]! > best[3]) best = [d[i]!, d[i + 1]!, d[i + 2]!, d[i + 3]!];
      return best;
    },
    [x, y],
  );
}

/** The drawing's ink (#e8178a), opaque enough to be seen. */
export const isInk = ([r, g, b, a]: [number, number, number, number]) => a > 128 && r > 180 && g < 90 && b > 90 && b < 190;

/** Keeps the data channels the page opens (test instrumentation), so a test can act as a modified client. */
export const KEEP_CHANNELS = `(() => {
  const create = RTCPeerConnection.prototype.createDataChannel;
  window.__channels = [];
  RTCPeerConnection.prototype.createDataChannel = function (...args) { const ch = create.apply(this, args); window.__channels.push(ch); return ch; };
})();`;

/**
 * In the page, and so independent of the test process: while `window.__dropCompleted` is true, the broker's word
 * that a use completed is dropped before the app hears it (as when its connection was down at that moment).
 */
export const DROP_COMPLETED_ANSWERS = `(() => {
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      // Registered before any of the app's listeners, so it runs first and can stop them.
      this.addEventListener("message", (event) => {
        const text = typeof event.data === "string" ? event.data : "";
        if (window.__dropCompleted && text.includes('"tool.answered"') && text.includes('"outcome":"completed"')) event.stopImmediatePropagation();
      });
    }
  };
})();`;

/** A file of `megabytes` MB (random blocks, repeated) and its SHA-256. */
export function bigFile(path: string, megabytes: number): string {
  const block = crypto.randomBytes(1024 * 1024);
  const hash = crypto.createHash("sha256");
  const fd = fs.openSync(path, "w");
  for (let i = 0; i < megabytes; i++) {
    block[0] = i & 0xff; // no two blocks alike
    fs.writeSync(fd, block);
    hash.update(block);
  }
  fs.closeSync(fd);
  return hash.digest("hex");
}

export function sha256OfFile(path: string): string {
  return crypto.createHash("sha256").update(fs.readFileSync(path)).digest("hex");
}

/** The status of the newest file row in a page's chat. */
export function lastTransferStatus(page: Page): Promise<string | null> {
  return page.getByTestId("transfer").last().getAttribute("data-status");
}
