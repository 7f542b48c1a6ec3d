/**
 * The helper sees each frame of the sharer's screen as soon as it arrives.
 *
 * Chromium's video receiver holds every frame in its jitter buffer and then
 * schedules it for a render time ~30 ms later (a 10 ms render delay plus
 * estimates of jitter and decode time), even on a quiet LAN; only a sender's
 * RTP playout-delay extension of 0 turns that off, and no browser's sender
 * sets it. bench/peers measured it (Chromium's own video-timing of a frame):
 * received +8 ms after capture, decode start +32, render time +42. So the
 * helper also reads the encoded frames as they are assembled (encoded
 * insertable streams), decodes them with WebCodecs and hands each picture at
 * once to a video track of its own (MediaStreamTrackGenerator), which a second
 * <video> shows over the first: no drawing on the page's main thread, so the
 * helper's pointer and keys never wait on a 1080p frame. The first <video>
 * keeps playing underneath from the very same frames, and is what shows
 * whenever this path is not running (no support, another codec, a decoder
 * error it cannot start again from, a helper machine too slow to keep up).
 */

/** The screen decoded as received: a track to show, and word (with the reason) when this path stops (the first <video> shows again). */
export interface ReceivedFrames {
  track: MediaStreamTrack;
  onStopped(handler: (reason: string) => void): () => void;
}

interface EncodedFrame {
  type: "key" | "delta" | "empty";
  timestamp: number;
  data: ArrayBuffer;
  getMetadata(): { mimeType?: string };
}
type WithEncodedStreams = RTCRtpReceiver & { createEncodedStreams(): { readable: ReadableStream<EncodedFrame>; writable: WritableStream<EncodedFrame> } };
type TrackGenerator = MediaStreamTrack & { writable: WritableStream<VideoFrame> };
declare const MediaStreamTrackGenerator: { new (init: { kind: "video" }): TrackGenerator } | undefined;

/** Decoding a second behind (at 30 fps): the helper's machine cannot keep up, the first <video> takes over. A busy moment is not that. */
const MAX_QUEUED = 30;
/**
 * A frame lost on the way breaks the next ones for both decoders; the
 * browser's own asks the sharer for a key frame, and this one starts again
 * from it. No key frame this soon after an error, or a second error within
 * RESTART_WINDOW_MS: the first <video> takes over for good.
 */
const KEY_FRAME_WAIT_MS = 2_000;
const RESTART_WINDOW_MS = 10_000;

export function framesAsReceivedSupported(): boolean {
  return typeof RTCRtpReceiver !== "undefined" && "createEncodedStreams" in RTCRtpReceiver.prototype && typeof VideoDecoder !== "undefined" && typeof MediaStreamTrackGenerator !== "undefined";
}

/** The peer connection options this needs (the option makes every receiver's frames wait for the page to pass them on). */
export function withFramesAsReceived(config: RTCConfiguration): RTCConfiguration {
  return { ...config, encodedInsertableStreams: true } as RTCConfiguration;
}

/**
 * Passes every encoded frame of `receiver` on unchanged (the first <video>
 * needs them) and decodes a copy into a track of its own. Must be called for
 * each receiver of a connection made with withFramesAsReceived.
 */
export function decodeAsReceived(receiver: RTCRtpReceiver): ReceivedFrames {
  const generator = new MediaStreamTrackGenerator!({ kind: "video" });
  const pictures = generator.writable.getWriter();
  const stoppedHandlers = new Set<(reason: string) => void>();
  let decoder: VideoDecoder | null = null;
  let stoppedBecause: string | null = null;
  let lastRestartAt = -Infinity;
  let keyFrameWait: ReturnType<typeof setTimeout> | null = null;
  const stop = (reason: string) => {
    if (stoppedBecause !== null) return;
    stoppedBecause = reason;
    if (keyFrameWait) clearTimeout(keyFrameWait);
    if (decoder && decoder.state !== "closed") decoder.close();
    for (const handler of stoppedHandlers) handler(reason);
  };
  const startAgain = (reason: string) => {
    if (stoppedBecause !== null) return;
    if (performance.now() - lastRestartAt < RESTART_WINDOW_MS) return stop(reason);
    lastRestartAt = performance.now();
    if (decoder && decoder.state !== "closed") decoder.close();
    decoder = null; // the next key frame makes a new one
    keyFrameWait = setTimeout(() => decoder === null && stop(`${reason}; no key frame to start again from`), KEY_FRAME_WAIT_MS);
  };
  const show = (picture: VideoFrame) => {
    // The track takes the picture (and closes it); one it cannot take yet is dropped: the next is newer.
    if (stoppedBecause !== null || (pictures.desiredSize ?? 1) <= 0) return picture.close();
    pictures.write(picture).catch((error: unknown) => stop(`track: ${String(error)}`));
  };
  const decode = (frame: EncodedFrame) => {
    if (stoppedBecause !== null || frame.type === "empty") return;
    if (decoder?.state === "closed") return; // failed; its error callback (queued) starts again
    if (!decoder) {
      if (frame.type !== "key") return; // a decoder starts at a key frame
      const codec = codecOf(frame);
      if (!codec) return stop(`codec ${frame.getMetadata().mimeType ?? "unknown"}`);
      if (keyFrameWait) clearTimeout(keyFrameWait);
      const made: VideoDecoder = new VideoDecoder({ output: show, error: (error) => decoder === made && startAgain(`decoder: ${error.message}`) });
      decoder = made;
      decoder.configure({ codec, optimizeForLatency: true });
    }
    if (decoder.decodeQueueSize > MAX_QUEUED) return stop(`decoding ${decoder.decodeQueueSize} frames behind`);
    decoder.decode(new EncodedVideoChunk({ type: frame.type, timestamp: Math.round((frame.timestamp * 1000) / 90), data: frame.data.slice(0) }));
  };
  const { readable, writable } = (receiver as WithEncodedStreams).createEncodedStreams();
  void readable
    .pipeThrough(
      new TransformStream<EncodedFrame, EncodedFrame>({
        transform(frame, controller) {
          try {
            decode(frame);
          } catch (error) {
            stop(`decode: ${String(error)}`);
          }
          controller.enqueue(frame);
        },
      }),
    )
    .pipeTo(writable)
    .catch((error: unknown) => stop(`frames: ${String(error)}`));
  return {
    track: generator,
    onStopped(handler) {
      stoppedHandlers.add(handler);
      if (stoppedBecause !== null) handler(stoppedBecause);
      return () => void stoppedHandlers.delete(handler);
    },
  };
}

/** The WebCodecs codec string for a key frame: H.264's from its sequence parameter set, or VP8; null for anything else. */
export function codecOf(frame: { data: ArrayBuffer; getMetadata(): { mimeType?: string } }): string | null {
  const mime = frame.getMetadata().mimeType?.toLowerCase();
  if (mime === "video/vp8") return "vp8";
  if (mime !== "video/h264") return null;
  const sps = h264SequenceParameters(new Uint8Array(frame.data));
  return sps ? `avc1.${[sps.profile, sps.constraints, sps.level].map((b) => b.toString(16).padStart(2, "0")).join("")}` : null;
}

/** Profile, constraint flags and level from the first SPS NAL unit of an Annex B H.264 access unit. */
export function h264SequenceParameters(bytes: Uint8Array): { profile: number; constraints: number; level: number } | null {
  for (let i = 0; i + 3 < bytes.length; i++) {
    const startCode = bytes[i] === 0 && bytes[i + 1] === 0 && (bytes[i + 2] === 1 || (bytes[i + 2] === 0 && bytes[i + 3] === 1));
    if (!startCode) continue;
    const nal = i + (bytes[i + 2] === 1 ? 3 : 4);
    if (nal + 3 < bytes.length && (bytes[nal]! & 0x1f) === 7) return { profile: bytes[nal + 1]!, constraints: bytes[nal + 2]!, level: bytes[nal + 3]! };
  }
  return null;
}
