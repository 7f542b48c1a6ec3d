import { Annotation, HelperChannelMessage, type IceConfig, MAX_ANNOTATION_CHARS, PointerEvent, type PointerMove, type SharerNotice } from "../protocol/index.js";
import type { BrokerConnection } from "./broker-connection.js";
import { createPeerCore, iceConfiguration, type LinkEvents, parsedMessage } from "./peer-link.js";

/** The sharer's end: offers its screen, hears the helper's input and display choices, renegotiates when the network moves. */
export interface SharerLink {
  readonly pc: RTCPeerConnection;
  /** Clipboard text both ways (hand-over.ts). */
  readonly tools: RTCDataChannel;
  /** Tell the helper about this side (reliable channel). */
  sendNotice(notice: SharerNotice): void;
  /** Show another screen on the same connection (no renegotiation). */
  replaceScreen(screen: MediaStream): Promise<void>;
  /** Called once the reliable channel is open (again), to (re)send what the helper should know. */
  onInputChannelOpen(handler: () => void): void;
  /** Renegotiate with fresh ICE (network change, broker failover). */
  restartIce(): Promise<void>;
  close(): void;
}

export interface SharerLinkEvents extends LinkEvents {
  /** From the helper, already parsed: input, or a display choice; whether to act on it is the caller's decision. */
  onMessage?: (message: HelperChannelMessage | PointerMove) => void;
  /** The helper pointing or drawing, already parsed; never input. */
  onAnnotation?: (annotation: Annotation) => void;
}

/** Screen content at 1080p: enough bits for legible text, capped so a help desk's uplink survives. */
const MAX_BITRATE = 6_000_000;
/** Input messages are small; anything longer is not one of them. */
const MAX_INPUT_CHARS = 1024;
/**
 * H.264 first where the browser has it: for screen content at 1080p it keeps
 * ~30 fps at a fraction of VP8's CPU and bits (bench/media); VP8 stays in the
 * list, so a peer without H.264 still negotiates.
 */
const PREFERRED_VIDEO_CODEC = "video/H264";
/**
 * Chromium starts a new video sender at ~300 kbit/s and ramps up, so the first
 * 1080p key frame of a screen trickles out for a few hundred ms. Telling the
 * sender (through the answer it applies) to start higher gets the first picture
 * to the helper sooner; the bandwidth estimator still takes over from there.
 */
const START_BITRATE_KBPS = 2500;

export function createSharerLink(o: { connection: BrokerConnection; sessionId: string; ice: IceConfig; screen: MediaStream } & SharerLinkEvents): SharerLink {
  const core = createPeerCore({
    ...o,
    config: iceConfiguration(o.ice),
    reconnect: () => void link.restartIce(),
    onSignal: async (message) => {
      if (message.type !== "signal.answer") return;
      await core.pc.setRemoteDescription({ type: "answer", sdp: withStartBitrate(message.sdp, START_BITRATE_KBPS) });
      await core.remoteDescriptionSet();
    },
  });
  const { pc } = core;

  for (const track of o.screen.getTracks()) {
    const sender = pc.addTrack(asLowLatencyScreen(track), o.screen);
    const params: RTCRtpSendParameters & { degradationPreference?: string } = sender.getParameters();
    params.degradationPreference = "maintain-resolution";
    params.encodings = params.encodings?.length ? params.encodings : [{}];
    for (const encoding of params.encodings) {
      encoding.maxBitrate = MAX_BITRATE;
      encoding.maxFramerate = 30;
    }
    void sender.setParameters(params).catch(() => undefined);
  }
  preferCodec(pc, PREFERRED_VIDEO_CODEC);

  core.input.onmessage = (event) => {
    const message = parsedMessage(event.data, MAX_INPUT_CHARS, (raw) => HelperChannelMessage.parse(raw));
    if (message) o.onMessage?.(message);
  };
  core.pointer.onmessage = (event) => {
    const move = parsedMessage(event.data, MAX_INPUT_CHARS, (raw) => PointerEvent.parse(raw));
    if (move) o.onMessage?.(move);
  };
  core.annotate.onmessage = (event) => {
    const annotation = parsedMessage(event.data, MAX_ANNOTATION_CHARS, (raw) => Annotation.parse(raw));
    if (annotation) o.onAnnotation?.(annotation);
  };

  async function offer(iceRestart: boolean) {
    await pc.setLocalDescription(await pc.createOffer({ iceRestart }));
    o.connection.send({ type: "signal.offer", sessionId: o.sessionId, sdp: pc.localDescription!.sdp });
  }

  const link: SharerLink = {
    pc,
    tools: core.tools,
    sendNotice: (notice) => core.send(core.input, notice),
    async replaceScreen(screen) {
      const track = screen.getVideoTracks()[0];
      const sender = pc.getSenders().find((s) => s.track?.kind === "video");
      if (track && sender) await sender.replaceTrack(asLowLatencyScreen(track));
    },
    onInputChannelOpen(handler) {
      core.input.addEventListener("open", handler);
      if (core.input.readyState === "open") handler();
    },
    async restartIce() {
      if (core.closed()) return;
      pc.restartIce();
      await offer(true).catch(() => undefined);
    },
    close: core.close,
  };
  void offer(false);
  return link;
}

/**
 * The screen track is encoded as "motion", not as screen content: Chromium's
 * software H.264 encoder (OpenH264) spends ~22 ms per 1080p frame in its
 * screen-content mode and ~9 ms in its real-time mode here, and every one of
 * those ms is glass-to-glass latency and the sharer's CPU (bench/peers). Text
 * stays sharp because resolution is never traded away (above): under pressure
 * the frame rate drops instead.
 */
function asLowLatencyScreen(track: MediaStreamTrack): MediaStreamTrack {
  if (track.kind === "video") track.contentHint = "motion";
  return track;
}

export function withStartBitrate(sdp: string, kbps: number): string {
  return sdp.replace(/^(a=fmtp:\d+ [^\r\n]*)/gm, (line) => (line.includes("x-google-start-bitrate") || line.includes("apt=") ? line : `${line};x-google-start-bitrate=${kbps}`));
}

function preferCodec(pc: RTCPeerConnection, mimeType: string) {
  const codecs = RTCRtpReceiver.getCapabilities?.("video")?.codecs ?? [];
  const preferred = codecs.filter((c) => c.mimeType === mimeType);
  if (!preferred.length) return;
  for (const transceiver of pc.getTransceivers()) {
    if (transceiver.sender.track?.kind === "video") transceiver.setCodecPreferences([...preferred, ...codecs.filter((c) => c.mimeType !== mimeType)]);
  }
}
