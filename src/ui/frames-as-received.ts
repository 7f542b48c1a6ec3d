/**
 * The helper sees each frame of the sharer's screen as soon as it arrives.
 *
 * Chromium's video receiver holds every frame in its jitter buffer and then
 * schedules it for a render time ~30 ms later (a 10 ms render delay plus
 * estimates of jitter and decode time), even on a quiet LAN; only a sender's
 * RTP playout-delay extension of 0 turns that off, and no browser's sender
 * sets it. bench/peers measured it: capture → received 10 ms, received →
 * decode start 17 ms, decoded → render time 16 ms. So the helper also reads
 * the encoded frames as they are assembled (encoded insertable streams),
 * decodes them with WebCodecs and draws them at once; the <video> keeps
 * playing underneath from the very same frames, and is what shows whenever this
 * path is not running (no support, another codec, a decoder error, a helper
 * machine too slow to keep up).
 */

/** Where decoded frames go; a subscriber draws them (and must not keep them: they are closed after). */
export interface ReceivedFrames {
  subscribe(draw: (frame: VideoFrame) => void, onStopped: () => void): () => void;
}

interface EncodedFrame {
  type: "key" | "delta" | "empty";
  timestamp: number;
  data: ArrayBuffer;
  getMetadata(): { mimeType?: string };
}
type WithEncodedStreams = RTCRtpReceiver & { createEncodedStreams(): { readable: ReadableStream<EncodedFrame>; writable: WritableStream<EncodedFrame> } };

/** Decoding falls behind by more than this many frames: the helper's machine cannot keep up, the <video> takes over. */
const MAX_QUEUED = 4;

export function framesAsReceivedSupported(): boolean {
  return typeof RTCRtpReceiver !== "undefined" && "createEncodedStreams" in RTCRtpReceiver.prototype && typeof VideoDecoder !== "undefined";
}

/** The peer connection options this needs; only where supported (the option makes every receiver's frames wait for the page). */
export function withFramesAsReceived(config: RTCConfiguration): RTCConfiguration {
  return framesAsReceivedSupported() ? ({ ...config, encodedInsertableStreams: true } as RTCConfiguration) : config;
}

/**
 * Passes every encoded frame of `receiver` on unchanged (the <video> needs
 * them) and decodes a copy for the subscribers. Must be called for each
 * receiver of a connection made with withFramesAsReceived.
 */
export function decodeAsReceived(receiver: RTCRtpReceiver): ReceivedFrames {
  const subscribers = new Set<{ draw: (frame: VideoFrame) => void; onStopped: () => void }>();
  let decoder: VideoDecoder | null = null;
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    if (decoder?.state !== "closed") decoder?.close();
    for (const s of subscribers) s.onStopped();
  };
  const decode = (frame: EncodedFrame) => {
    if (stopped || frame.type === "empty") return;
    if (!decoder) {
      if (frame.type !== "key") return; // a decoder starts at a key frame
      const codec = codecOf(frame);
      if (!codec) return stop();
      decoder = new VideoDecoder({
        output: (picture) => {
          for (const s of subscribers) s.draw(picture);
          picture.close();
        },
        error: stop,
      });
      decoder.configure({ codec, optimizeForLatency: true });
    }
    if (decoder.decodeQueueSize > MAX_QUEUED) return stop();
    decoder.decode(new EncodedVideoChunk({ type: frame.type, timestamp: Math.round((frame.timestamp * 1000) / 90), data: frame.data.slice(0) }));
  };
  const { readable, writable } = (receiver as WithEncodedStreams).createEncodedStreams();
  void readable
    .pipeThrough(
      new TransformStream<EncodedFrame, EncodedFrame>({
        transform(frame, controller) {
          try {
            decode(frame);
          } catch {
            stop();
          }
          controller.enqueue(frame);
        },
      }),
    )
    .pipeTo(writable)
    .catch(stop);
  return {
    subscribe(draw, onStopped) {
      const s = { draw, onStopped };
      subscribers.add(s);
      if (stopped) onStopped();
      return () => void subscribers.delete(s);
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
