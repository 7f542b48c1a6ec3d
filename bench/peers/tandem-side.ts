import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Page } from "playwright-core";
import { buildBroker } from "../../src/server/broker.js";
import { BrokerConfig } from "../../src/server/config.js";
import { startAgent } from "../../tools/agent-process.js";
import { launchSharerBrowser } from "../../tools/chromium.js";
import { startControlSession } from "../input/control-session.js";
import type { Latencies } from "../input/pointer-and-keys.js";
import { KEEP_PEER, STAMP_KEY_MESSAGES, STAMP_KEYDOWNS } from "../media/page-hooks.js";
import { frameAgesScript, frameProbeScript, SHOWN_BY_CONSOLE } from "../media/timecode-page.js";
import { fmt, percentile } from "../broker/stats.js";
import type { Side, SideRun } from "./side.js";

/**
 * Tandem as a help desk uses it for full control, connected and streaming: a
 * broker, the helper's console (headless Chromium), the sharer page in desktop
 * mode (headed Chromium capturing the screen, main's input relay, the agent).
 * Sharer side = the sharer's browser and the agent.
 */
export async function openTandem(run: SideRun): Promise<Side> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "tandem-bench-peers-"));
  const broker = await buildBroker(BrokerConfig.parse({ host: "127.0.0.1", port: 0, dataDir, sqliteFile: ":memory:", logLevel: "silent" }));
  await broker.listen();
  const agent = await startAgent(run.display);
  const sharerBrowser = await launchSharerBrowser(run.display);
  const closeAll = async () => {
    await sharerBrowser.close();
    await agent.stop();
    await broker.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  const keysAtRelay: number[] = [];
  try {
    const session = await startControlSession({
      onRelayInput: (event) => {
        const e = event as { t?: string; down?: boolean };
        if (e.t === "key" && e.down) keysAtRelay.push(Date.now());
      },
      origin: broker.origin,
      ca: broker.tls!.caCert!,
      agent,
      helperBrowser: run.helperBrowser,
      sharerBrowser: sharerBrowser.browser,
      helperScripts: [frameProbeScript(run.contentOrigin, SHOWN_BY_CONSOLE), KEEP_PEER, frameAgesScript(run.contentOrigin), STAMP_KEYDOWNS],
      sharerScripts: [KEEP_PEER, frameAgesScript(run.contentOrigin), STAMP_KEY_MESSAGES],
    });
    const { helper, sharer, onScreen } = session;
    return {
      helper,
      onScreen,
      scale: onScreen(1, 0).x - onScreen(0, 0).x,
      bytes: () =>
        helper.evaluate(async () => {
          let total = 0;
          (await (window as unknown as { __peer: RTCPeerConnection }).__peer.getStats()).forEach((r: Record<string, unknown>) => {
            if (r.type === "transport") total += Number(r.bytesReceived ?? 0);
          });
          return total;
        }),
      sharerSide: { "sharer's Chromium": [sharerBrowser.pid], agent: [agent.child.pid!] },
      async beforeKeys() {
        await helper.evaluate(() => ((window as unknown as { __keydowns: number[] }).__keydowns = []));
        await sharer.evaluate(() => ((window as unknown as { __keyMessages: number[] }).__keyMessages = []));
        keysAtRelay.length = 0;
      },
      async explain(keys) {
        const bySource = await helper.evaluate(() => (window as unknown as { __probe: { bySource: Record<string, number> } }).__probe.bySource);
        const shownFrom = `frames shown read from: ${Object.entries(bySource).map(([source, n]) => `${source} ${n}`).join(", ")}`;
        return [await codecStages(helper, sharer), shownFrom, await frameAgeStages(helper, sharer), await keyStages(helper, sharer, keys, keysAtRelay)].join("; ");
      },
      close: async () => {
        await session.close();
        await closeAll();
      },
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

/** Where a frame's time goes inside WebRTC, averaged per frame from each side's own statistics. */
async function codecStages(helper: Page, sharer: Page): Promise<string> {
  const read = (page: Page) => page.evaluate(async () => {
    const out: Record<string, unknown>[] = [];
    (await (window as unknown as { __peer: RTCPeerConnection }).__peer.getStats()).forEach((r: Record<string, unknown>) => {
      if ((r.type === "outbound-rtp" || r.type === "inbound-rtp") && r.kind === "video") out.push(r);
      if (r.type === "codec" && String(r.mimeType).startsWith("video/")) out.push(r);
    });
    return out;
  });
  const sent = (await read(sharer)).find((r) => r.type === "outbound-rtp") ?? {};
  const got = (await read(helper)).find((r) => r.type === "inbound-rtp") ?? {};
  const codec = (await read(sharer)).find((r) => r.type === "codec")?.mimeType ?? "?";
  const per = (total: unknown, count: unknown) => `${fmt((Number(total) / Number(count)) * 1000, 1)} ms`;
  return `${String(codec)} (${String(sent.encoderImplementation)}), limited by ${String(sent.qualityLimitationReason)}; per frame: encode ${per(sent.totalEncodeTime, sent.framesEncoded)}, pacer ${per(sent.totalPacketSendDelay, sent.packetsSent)} per packet, jitter buffer ${per(got.jitterBufferDelay, got.jitterBufferEmittedCount)}, decode ${per(got.totalDecodeTime, got.framesDecoded)}, receipt to decoded ${per(got.totalProcessingDelay, got.framesDecoded)}${timingFrame(got.googTimingFrameInfo)}`;
}

/**
 * How old the time code is at each stage, over the same 5 s: in the frames the
 * sharer's capture produces, in the frames the helper's decoder produces, and in
 * what the helper's page shows.
 */
async function frameAgeStages(helper: Page, sharer: Page): Promise<string> {
  type Ages = { __frameAges(track: MediaStreamTrack, ms: number): Promise<number[]>; __peer: RTCPeerConnection; __probe: { latencies: number[] } };
  const shownFrom = await helper.evaluate(() => (window as unknown as Ages).__probe.latencies.length);
  const [captured, decoded] = await Promise.all([
    sharer.evaluate(() => (window as unknown as Ages).__frameAges((window as unknown as Ages).__peer.getSenders().find((s) => s.track?.kind === "video")!.track!, 5000)),
    helper.evaluate(() => (window as unknown as Ages).__frameAges((window as unknown as Ages).__peer.getReceivers().find((r) => r.track.kind === "video")!.track, 5000)),
  ]);
  const shown = await helper.evaluate((from) => (window as unknown as Ages).__probe.latencies.slice(from), shownFrom);
  const p = (a: number[]) => `${percentile(a, 50)} / ${percentile(a, 99)} ms`;
  return `time code age p50 / p99 when captured ${p(captured)}, when the helper's <video> decoder output it ${p(decoded)}, when shown ${p(shown)} (5 s after the window above, ${captured.length} / ${decoded.length} / ${shown.length} frames)`;
}

/**
 * Key presses split where they pass the helper's page, the sharer's page and
 * main's relay: the console and the data channel, then the bridge (here the
 * test stand-in for the app's preload and Electron IPC), then the agent.
 */
async function keyStages(helper: Page, sharer: Page, keys: Latencies, atRelay: number[]): Promise<string> {
  const downs = await helper.evaluate(() => (window as unknown as { __keydowns: number[] }).__keydowns);
  const arrivals = await sharer.evaluate(() => (window as unknown as { __keyMessages: number[] }).__keyMessages);
  if (keys.missed || [downs, arrivals, atRelay].some((a) => a.length !== keys.times.length)) return `key stages not aligned (${downs.length} key-downs, ${arrivals.length} messages, ${atRelay.length} at the relay, ${keys.times.length} keys seen)`;
  const p = (a: number[]) => `${percentile(a, 50)} / ${percentile(a, 99)} ms`;
  return `key press p50 / p99: call → helper page ${p(keys.times.map((t, i) => downs[i]! - t.sent))}, helper page → sharer page (data channel) ${p(downs.map((d, i) => arrivals[i]! - d))}, sharer page → main's relay (the real preload over a WebSocket pipe on loopback in place of Electron IPC) ${p(atRelay.map((r, i) => r - arrivals[i]!))}, relay → X (agent process, XTest) ${p(atRelay.map((r, i) => keys.times[i]!.seen - r))}`;
}

/**
 * Chromium's timing of one frame (the video-timing RTP extension; the latest
 * sampled or slowest frame), as ms after its capture: where a frame waits.
 */
function timingFrame(info: unknown): string {
  const t = typeof info === "string" ? info.split(",").map(Number) : [];
  if (t.length < 13) return "";
  const at = (i: number) => `+${t[i]! - t[1]!}`;
  return `; one frame's timeline after capture (Chromium's video-timing): encoded ${at(3)}, left the pacer ${at(5)}, received ${at(9)}, decode start ${at(10)}, decoded ${at(11)}, render time ${at(12)} ms (the <video>'s; frames decoded as received skip the wait before decode and the render time)`;
}
