import { TIMECODE } from "../media/timecode-page.js";

interface XClient {
  GetImage(format: number, drawable: number, x: number, y: number, width: number, height: number, planeMask: number, callback: (error: unknown, image: { depth: number; data: Buffer }) => void): void;
  on(event: "error", handler: (error: unknown) => void): void;
  terminate(): void;
}

/**
 * How old the time code is on the X screen itself: reads the blocks straight
 * from the X server's framebuffer (GetImage, one row through their middle) as
 * fast as it answers, for `ms`, and records each new value's age when first
 * seen. The content window's own drawing lag, where every screen-sharing
 * system starts from.
 */
export async function xScreenAges(display: string, origin: { left: number; top: number }, ms: number): Promise<number[]> {
  const x11 = (await import("x11")) as unknown as { createClient(o: { display: string }, cb: (error: unknown, d: { client: XClient; screen: { root: number }[] }) => void): XClient };
  const { client, root } = await new Promise<{ client: XClient; root: number }>((resolve, reject) => {
    const c = x11.createClient({ display }, (error, d) => (error ? reject(error) : resolve({ client: d.client, root: d.screen[0]!.root })));
    c.on("error", reject);
  });
  const width = TIMECODE.block * TIMECODE.bits;
  const row = () => new Promise<Buffer>((resolve, reject) => client.GetImage(2 /* ZPixmap */, root, origin.left, origin.top + (TIMECODE.block >> 1), width, 1, 0xffffffff, (error, image) => (error ? reject(error) : resolve(image.data))));
  const ages: number[] = [];
  let last = -1;
  try {
    for (const until = Date.now() + ms; Date.now() < until; ) {
      const px = await row();
      const now = Date.now();
      let value = 0;
      let clean = true;
      for (let i = 0; i < TIMECODE.bits; i++) {
        const at = (i * TIMECODE.block + (TIMECODE.block >> 1)) * 4; // 32 bits per pixel at depth 24
        const luma = (px[at]! + px[at + 1]! + px[at + 2]!) / 3;
        if (luma > 80 && luma < 175) clean = false;
        value = value * 2 + (luma < 128 ? 1 : 0);
      }
      if (!clean || value === last || now - value < 0 || now - value > 10_000) continue;
      last = value;
      ages.push(now - value);
    }
  } finally {
    client.terminate();
  }
  return ages;
}
