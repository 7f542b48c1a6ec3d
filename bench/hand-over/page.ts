import { Annotation } from "../../src/protocol/index.js";
import { AnnotationBoard } from "../../src/web-client/annotation-board.js";
import { fileChannelUseId, receiveFile, sendFile, sha256Hex } from "../../src/web-client/file-transfer.js";
import { CHANNELS } from "../../src/web-client/peer-link.js";

/**
 * One end of the benchmark's peer connection, in a page: the product's own
 * channels (peer-link.ts CHANNELS) and file transfer (file-transfer.ts).
 * Signaling is the runner's job (it carries SDP and candidates between pages).
 */
const pc = new RTCPeerConnection();
const candidates: RTCIceCandidateInit[] = [];
pc.onicecandidate = (e) => void (e.candidate && candidates.push(e.candidate.toJSON()));
const channels = Object.fromEntries(Object.entries(CHANNELS).map(([name, c]) => [name, pc.createDataChannel(c.label, c.options)])) as Record<keyof typeof CHANNELS, RTCDataChannel>;
const board = new AnnotationBoard();
const canvas = document.createElement("canvas");
canvas.width = 1920;
canvas.height = 1080;
const ctx = canvas.getContext("2d")!;

// The receiving side answers each timed message at once; an annotation is applied to a board and drawn first, as the sharer's page does.
for (const name of ["pointer", "input", "annotate"] as const) {
  channels[name].onmessage = (e) => {
    const m = JSON.parse(String(e.data)) as { t: string; n?: number; echo?: boolean };
    if (m.echo) return void replies.get(m.n!)?.(performance.now());
    if (name === "annotate") {
      const { n: _n, ...annotation } = m as unknown as Record<string, unknown>;
      board.apply(Annotation.parse(annotation), performance.now());
      board.draw(ctx, canvas.width, canvas.height, performance.now());
    }
    channels[name].send(JSON.stringify({ t: "echo", echo: true, n: m.n }));
  };
}
const replies = new Map<number, (at: number) => void>();
let next = 0;

let incoming: Promise<{ ms: number; ok: boolean }> | null = null;
let expected: { size: number; sha256: string } | null = null;
pc.ondatachannel = (e) => {
  if (!fileChannelUseId(e.channel) || !expected) return;
  const start = performance.now();
  incoming = receiveFile(e.channel, expected, () => undefined, new AbortController().signal).then(
    () => ({ ms: performance.now() - start, ok: true }),
    () => ({ ms: performance.now() - start, ok: false }),
  );
};

let file: Blob | null = null;
const api = {
  async offer() {
    await pc.setLocalDescription(await pc.createOffer());
    return pc.localDescription!.sdp;
  },
  async answer(sdp: string) {
    await pc.setRemoteDescription({ type: "offer", sdp });
    await pc.setLocalDescription(await pc.createAnswer());
    return pc.localDescription!.sdp;
  },
  accept: (sdp: string) => pc.setRemoteDescription({ type: "answer", sdp }),
  candidates: () => candidates.splice(0),
  addCandidates: async (list: RTCIceCandidateInit[]) => {
    for (const c of list) await pc.addIceCandidate(c);
  },
  ready: () => Object.values(channels).every((c) => c.readyState === "open"),
  /** One message on `channel`, timed to its answer: half the round trip. */
  async oneWay(channel: "pointer" | "input" | "annotate") {
    const n = next++;
    const message = channel === "annotate" ? { t: "laser", x: 0.5, y: 0.5, n } : channel === "pointer" ? { t: "move", x: 0.5, y: 0.5, n } : { t: "button", x: 0.5, y: 0.5, button: "left", down: true, n };
    const sent = performance.now();
    const answered = new Promise<number>((resolve) => replies.set(n, resolve));
    channels[channel].send(JSON.stringify(message));
    const at = await answered;
    replies.delete(n);
    return (at - sent) / 2;
  },
  /** A file of `megabytes` MB (random 1 MB blocks), and its SHA-256. */
  async makeFile(megabytes: number) {
    const block = new Uint8Array(1024 * 1024);
    const parts: Uint8Array<ArrayBuffer>[] = [];
    for (let i = 0; i < megabytes; i++) {
      for (let at = 0; at < block.length; at += 65536) crypto.getRandomValues(block.subarray(at, at + 65536));
      parts.push(block.slice());
    }
    file = new Blob(parts);
    const start = performance.now();
    const sha256 = await sha256Hex(file);
    return { size: file.size, sha256, hashMs: performance.now() - start };
  },
  expect: (e: { size: number; sha256: string }) => void (expected = e),
  async send(useId: string) {
    const start = performance.now();
    await sendFile(pc, useId, file!, () => undefined, new AbortController().signal);
    return performance.now() - start;
  },
  received: () => incoming,
  /**
   * The ceiling: the same bytes as 64 KB messages on `count` plain channels, no file, no hash, no progress
   * (how fast Chromium's data channels go here, whatever the product does).
   */
  async rawChannels(count: number, megabytes: number) {
    const open = (i: number) =>
      new Promise<RTCDataChannel>((resolve) => {
        const c = pc.createDataChannel(`raw-${count}-${i}`, { ordered: true });
        c.bufferedAmountLowThreshold = 4 << 20;
        c.onopen = () => resolve(c);
      });
    const all = await Promise.all(Array.from({ length: count }, (_, i) => open(i)));
    const chunk = new ArrayBuffer(65536);
    let left = megabytes * 16;
    const start = performance.now();
    await Promise.all(all.map(async (c) => {
      while (left-- > 0) {
        if (c.bufferedAmount > 12 << 20) await new Promise((r) => (c.onbufferedamountlow = r));
        c.send(chunk);
      }
      while (c.bufferedAmount > 0) await new Promise((r) => setTimeout(r, 2));
    }));
    return performance.now() - start;
  },
};
(window as unknown as { bench: typeof api }).bench = api;
