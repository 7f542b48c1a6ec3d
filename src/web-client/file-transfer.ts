/**
 * A file from one side to the other on a data channel of its own (label
 * `file:<useId>`), never through the broker. The sender keeps at most
 * HIGH_WATER bytes queued in the channel and waits for it to drain below
 * LOW_WATER (back-pressure: memory stays flat whatever the file's size); the
 * receiver takes exactly the announced size and checks the SHA-256 announced
 * with the offer before anything is saved, then says so on the same channel
 * and closes it: the sender learns the file arrived whole from the receiver
 * itself, even while its own line to the broker is down (a busy page can miss
 * heartbeats and reconnect, and what the broker told it meanwhile is gone).
 */
export const FILE_CHANNEL_PREFIX = "file:";
const CHUNK = 64 * 1024;
/** Read from the file this much at a time (one slice, many chunks). Chromium refuses a send past 16 MB queued, so the high water stays below it. */
const READ = 4 * 1024 * 1024;
const HIGH_WATER = 12 * 1024 * 1024;
const LOW_WATER = 4 * 1024 * 1024;

/** The receiver's word that it has every byte and the hash matched. */
const DELIVERED = "delivered";

export type TransferFailure = "cancelled" | "hash_mismatch" | "too_large" | "closed";

export class TransferError extends Error {
  constructor(readonly reason: TransferFailure) {
    super(`file transfer ${reason}`);
  }
}

export async function sha256Hex(data: Blob | ArrayBuffer): Promise<string> {
  const bytes = data instanceof Blob ? await data.arrayBuffer() : data;
  const digest = await crypto.subtle.digest("SHA-256", bytes);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

function opened(channel: RTCDataChannel, signal: AbortSignal): Promise<void> {
  if (channel.readyState === "open") return Promise.resolve();
  return new Promise((resolve, reject) => {
    channel.addEventListener("open", () => resolve(), { once: true });
    channel.addEventListener("close", () => reject(new TransferError("closed")), { once: true });
    signal.addEventListener("abort", () => reject(new TransferError("cancelled")), { once: true });
  });
}

function drained(channel: RTCDataChannel, signal: AbortSignal): Promise<void> {
  if (channel.bufferedAmount <= LOW_WATER) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const done = () => (channel.removeEventListener("bufferedamountlow", done), resolve());
    channel.addEventListener("bufferedamountlow", done);
    channel.addEventListener("close", () => reject(new TransferError("closed")), { once: true });
    signal.addEventListener("abort", () => reject(new TransferError("cancelled")), { once: true });
  });
}

/**
 * Sends `file` on a new channel; `onProgress` with the bytes handed to the channel. Resolves once the receiver
 * says it has the file whole; rejects when the channel closes without that (the other side cancelled, or the
 * hash differed) or `signal` aborts. Closing the channel cancels for the other side.
 */
export async function sendFile(pc: RTCPeerConnection, useId: string, file: Blob, onProgress: (sent: number) => void, signal: AbortSignal): Promise<void> {
  const channel = pc.createDataChannel(`${FILE_CHANNEL_PREFIX}${useId}`, { ordered: true });
  channel.binaryType = "arraybuffer";
  channel.bufferedAmountLowThreshold = LOW_WATER;
  signal.addEventListener("abort", () => channel.close(), { once: true });
  const delivered = new Promise<void>((resolve, reject) => {
    channel.addEventListener("message", (event: MessageEvent) => event.data === DELIVERED && resolve());
    channel.addEventListener("close", () => reject(new TransferError("closed")), { once: true });
    signal.addEventListener("abort", () => reject(new TransferError("cancelled")), { once: true });
  });
  delivered.catch(() => undefined); // awaited below; a failure before then is thrown by the loop itself
  await opened(channel, signal);
  let sent = 0;
  for (let offset = 0; offset < file.size; offset += READ) {
    const slice = await file.slice(offset, offset + READ).arrayBuffer();
    for (let at = 0; at < slice.byteLength; at += CHUNK) {
      if (signal.aborted) throw new TransferError("cancelled");
      if (channel.readyState !== "open") throw new TransferError("closed");
      if (channel.bufferedAmount > HIGH_WATER) await drained(channel, signal);
      const chunk = slice.slice(at, at + CHUNK);
      channel.send(chunk);
      sent += chunk.byteLength;
      onProgress(sent);
    }
  }
  // The channel stays open until the receiver has it all (it closes it), so nothing queued is dropped.
  await delivered;
}

/**
 * Receives exactly `size` bytes on `channel` and checks them against `sha256`. Rejects with why: more bytes than
 * announced, a hash that differs, or the channel closed (the sender cancelled) or `signal` aborted first.
 */
export function receiveFile(channel: RTCDataChannel, expected: { size: number; sha256: string; type?: string }, onProgress: (received: number) => void, signal: AbortSignal): Promise<Blob> {
  channel.binaryType = "arraybuffer";
  const parts: ArrayBuffer[] = [];
  let received = 0;
  return new Promise<Blob>((resolve, reject) => {
    let settled = false;
    const fail = (reason: TransferFailure) => {
      if (settled) return;
      settled = true;
      channel.close();
      reject(new TransferError(reason));
    };
    signal.addEventListener("abort", () => fail("cancelled"), { once: true });
    channel.onclose = () => fail("cancelled");
    channel.onmessage = (event: MessageEvent) => {
      if (settled) return;
      if (!(event.data instanceof ArrayBuffer)) return fail("closed");
      received += event.data.byteLength;
      if (received > expected.size) return fail("too_large");
      parts.push(event.data);
      onProgress(received);
      if (received < expected.size) return;
      settled = true;
      const blob = new Blob(parts, expected.type ? { type: expected.type } : {});
      parts.length = 0;
      void sha256Hex(blob).then((hash) => {
        if (hash === expected.sha256 && channel.readyState === "open") channel.send(DELIVERED); // sent before the close (the channel finishes what is queued)
        channel.close();
        if (hash === expected.sha256) resolve(blob);
        else reject(new TransferError("hash_mismatch"));
      }, () => reject(new TransferError("hash_mismatch")));
    };
  });
}

/** The use a file channel carries, or null for any other channel. */
export function fileChannelUseId(channel: RTCDataChannel): string | null {
  return channel.label.startsWith(FILE_CHANNEL_PREFIX) ? channel.label.slice(FILE_CHANNEL_PREFIX.length) : null;
}
