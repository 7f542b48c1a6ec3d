import { INPUT_CHANNEL, InputEvent, type IceConfig, POINTER_CHANNEL, PointerEvent, type PointerMove, type ServerMessage, SharerNotice } from "../protocol/index.js";
import type { BrokerConnection } from "./broker-connection.js";
import { decodeAsReceived, framesAsReceivedSupported, type ReceivedFrames, withFramesAsReceived } from "./frames-as-received.js";
import { verificationCode } from "./verification-code.js";

/**
 * One RTCPeerConnection per session, signaled through the broker. The sharer
 * offers (it owns the screen track); the helper answers. Both data channels
 * are pre-negotiated with fixed ids, so neither side waits for the other to
 * announce them: `input` reliable and ordered, `pointer` unordered without
 * retransmits (a late move is worthless).
 */
export type LinkState = "connecting" | "connected" | "reconnecting" | "failed" | "closed";

export interface LinkEvents {
  onState?: (state: LinkState) => void;
  onVerificationCode?: (code: string | null) => void;
  /** Helper: the sharer's screen; `frames` the same screen decoded as received, where the browser can (frames-as-received.ts). */
  onTrack?: (stream: MediaStream, frames: ReceivedFrames | null) => void;
  /** Sharer: input from the helper, already parsed; whether to act on it is the caller's decision. */
  onInput?: (event: InputEvent | PointerMove) => void;
  /** Helper: what the sharer tells about its side (its displays), already parsed. */
  onNotice?: (notice: SharerNotice) => void;
  /**
   * Helper: an offer from a different peer connection than the one this link talks to (the sharer reloaded
   * its page or reopened the app): this link cannot take it (another DTLS certificate); the caller starts a
   * fresh link and hands it the offer.
   */
  onNewPeer?: (offerSdp: string) => void;
}

export interface PeerLink {
  readonly pc: RTCPeerConnection;
  sendInput(event: InputEvent): void;
  sendPointer(event: PointerMove): void;
  /** Sharer: tell the helper about this side (reliable channel). */
  sendNotice(notice: SharerNotice): void;
  /** Sharer: show another screen on the same connection (no renegotiation). */
  replaceScreen(screen: MediaStream): Promise<void>;
  /** Sharer: called once the reliable channel is open (again), to (re)send what the helper should know. */
  onInputChannelOpen(handler: () => void): void;
  /** Sharer: renegotiate with fresh ICE (network change, broker failover). */
  restartIce(): Promise<void>;
  /** Helper: answer an offer that arrived before this link existed (see onNewPeer). */
  acceptOffer(sdp: string): Promise<void>;
  stats(): Promise<LinkQuality>;
  close(): void;
}

export interface LinkQuality {
  fps: number | null;
  bitrateKbps: number | null;
  roundTripMs: number | null;
  framesDecoded: number | null;
  width: number | null;
  height: number | null;
}

/** Screen content at 1080p: enough bits for legible text, capped so a help desk's uplink survives. */
const MAX_BITRATE = 6_000_000;
const DISCONNECTED_RESTART_MS = 2_000;
/**
 * H.264 first where the browser has it: for screen content at 1080p it keeps
 * ~30 fps at a fraction of VP8's CPU and bits (bench/media); VP8 stays in the
 * list, so a peer without H.264 still negotiates.
 */
const PREFERRED_VIDEO_CODEC = "video/H264";

/**
 * The screen track is encoded as "motion", not as screen content: Chromium's
 * software H.264 encoder (OpenH264) spends ~22 ms per 1080p frame in its
 * screen-content mode and ~9 ms in its real-time mode here, and every one of
 * those ms is glass-to-glass latency and the sharer's CPU (bench/peers). Text
 * stays sharp because resolution is never traded away (below): under pressure
 * the frame rate drops instead.
 */
function asLowLatencyScreen(track: MediaStreamTrack): MediaStreamTrack {
  if (track.kind === "video") track.contentHint = "motion";
  return track;
}
/**
 * Chromium starts a new video sender at ~300 kbit/s and ramps up, so the first
 * 1080p key frame of a screen trickles out for a few hundred ms. Telling the
 * sender (through the answer it applies) to start higher gets the first picture
 * to the helper sooner; the bandwidth estimator still takes over from there.
 */
const START_BITRATE_KBPS = 2500;

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

export function createPeerLink(o: { connection: BrokerConnection; sessionId: string; ice: IceConfig; role: "helper" | "sharer"; screen?: MediaStream } & LinkEvents): PeerLink {
  const config: RTCConfiguration = { iceServers: o.ice.iceServers, iceTransportPolicy: o.ice.iceTransportPolicy };
  const framesAsReceived = o.role === "helper" && framesAsReceivedSupported();
  const pc = new RTCPeerConnection(framesAsReceived ? withFramesAsReceived(config) : config);
  const input = pc.createDataChannel(INPUT_CHANNEL, { negotiated: true, id: 0, ordered: true });
  const pointer = pc.createDataChannel(POINTER_CHANNEL, { negotiated: true, id: 1, ordered: false, maxRetransmits: 0 });
  const earlyCandidates: RTCIceCandidateInit[] = [];
  let closed = false;
  let restartTimer: ReturnType<typeof setTimeout> | undefined;
  let lastBytes: { at: number; bytes: number } | null = null;

  const setState = (state: LinkState) => o.onState?.(state);

  if (o.role === "sharer" && o.screen) {
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
  }
  pc.ontrack = (event) => {
    // Play each frame as soon as it is decoded: on a help desk's network the
    // default buffering adds tens of ms of delay for smoothness nobody needs.
    (event.receiver as RTCRtpReceiver & { jitterBufferTarget?: number | null }).jitterBufferTarget = 0;
    const frames = framesAsReceived ? decodeAsReceived(event.receiver) : null;
    o.onTrack?.(event.streams[0] ?? new MediaStream([event.track]), frames);
  };

  const onMessage = (channel: "input" | "pointer") => (event: MessageEvent) => {
    if (typeof event.data !== "string" || event.data.length > (o.role === "helper" ? 8192 : 1024)) return;
    try {
      const raw: unknown = JSON.parse(event.data);
      if (o.role === "helper") {
        if (channel === "input") o.onNotice?.(SharerNotice.parse(raw));
        return;
      }
      o.onInput?.(channel === "pointer" ? PointerEvent.parse(raw) : InputEvent.parse(raw));
    } catch {
      // Malformed input is dropped, never half-applied.
    }
  };
  input.onmessage = onMessage("input");
  pointer.onmessage = onMessage("pointer");

  pc.onicecandidate = (event) => {
    o.connection.send({ type: "signal.ice", sessionId: o.sessionId, candidate: event.candidate ? event.candidate.toJSON() as never : null });
  };
  pc.onconnectionstatechange = () => {
    const s = pc.connectionState;
    clearTimeout(restartTimer);
    if (s === "connected") setState("connected");
    else if (s === "disconnected") {
      setState("reconnecting");
      if (o.role === "sharer") restartTimer = setTimeout(() => void link.restartIce(), DISCONNECTED_RESTART_MS);
    } else if (s === "failed") {
      setState(o.role === "sharer" ? "reconnecting" : "failed");
      if (o.role === "sharer") void link.restartIce();
    } else if (s === "closed") setState("closed");
  };

  async function showVerificationCode() {
    const local = pc.localDescription?.sdp;
    const remote = pc.remoteDescription?.sdp;
    if (local && remote) o.onVerificationCode?.(await verificationCode(local, remote));
  }

  async function addCandidate(candidate: RTCIceCandidateInit | null) {
    if (!pc.remoteDescription) {
      if (candidate) earlyCandidates.push(candidate);
      return;
    }
    await pc.addIceCandidate(candidate ?? undefined).catch(() => undefined);
  }

  async function answer(sdp: string) {
    await pc.setRemoteDescription({ type: "offer", sdp });
    await pc.setLocalDescription(await pc.createAnswer());
    o.connection.send({ type: "signal.answer", sessionId: o.sessionId, sdp: pc.localDescription!.sdp });
    for (const c of earlyCandidates.splice(0)) await pc.addIceCandidate(c).catch(() => undefined);
    await showVerificationCode();
  }

  async function offer(iceRestart: boolean) {
    const description = await pc.createOffer({ iceRestart });
    await pc.setLocalDescription(description);
    o.connection.send({ type: "signal.offer", sessionId: o.sessionId, sdp: pc.localDescription!.sdp });
  }

  const unsubscribe = o.connection.on(async (message: ServerMessage) => {
    if (closed || !("sessionId" in message) || message.sessionId !== o.sessionId) return;
    try {
      if (message.type === "signal.offer" && o.role === "helper") {
        const current = fingerprintOf(pc.remoteDescription?.sdp);
        if (current && o.onNewPeer && current !== fingerprintOf(message.sdp)) return o.onNewPeer(message.sdp);
        await answer(message.sdp);
      } else if (message.type === "signal.answer" && o.role === "sharer") {
        await pc.setRemoteDescription({ type: "answer", sdp: withStartBitrate(message.sdp, START_BITRATE_KBPS) });
        for (const c of earlyCandidates.splice(0)) await pc.addIceCandidate(c).catch(() => undefined);
        await showVerificationCode();
      } else if (message.type === "signal.ice") {
        await addCandidate(message.candidate as RTCIceCandidateInit | null);
      }
    } catch (error) {
      console.warn("signaling failed", error);
      setState("failed");
    }
  });

  const sendOn = (channel: RTCDataChannel, event: unknown) => {
    if (channel.readyState === "open") channel.send(JSON.stringify(event));
  };

  const link: PeerLink = {
    pc,
    sendInput: (event) => sendOn(input, event),
    sendPointer: (event) => sendOn(pointer, event),
    sendNotice: (notice) => sendOn(input, notice),
    async replaceScreen(screen) {
      const track = screen.getVideoTracks()[0];
      const sender = pc.getSenders().find((s) => s.track?.kind === "video");
      if (track && sender) await sender.replaceTrack(asLowLatencyScreen(track));
    },
    onInputChannelOpen(handler) {
      input.addEventListener("open", handler);
      if (input.readyState === "open") handler();
    },
    async acceptOffer(sdp) {
      if (closed || o.role !== "helper") return;
      await answer(sdp).catch((error: unknown) => (console.warn("signaling failed", error), setState("failed")));
    },
    async restartIce() {
      if (closed || o.role !== "sharer") return;
      pc.restartIce();
      await offer(true).catch(() => undefined);
    },
    async stats() {
      const report = await pc.getStats();
      const quality: LinkQuality = { fps: null, bitrateKbps: null, roundTripMs: null, framesDecoded: null, width: null, height: null };
      report.forEach((s: Record<string, unknown>) => {
        if (s.type === "inbound-rtp" && s.kind === "video") {
          quality.fps = (s.framesPerSecond as number | undefined) ?? null;
          quality.framesDecoded = (s.framesDecoded as number | undefined) ?? null;
          quality.width = (s.frameWidth as number | undefined) ?? null;
          quality.height = (s.frameHeight as number | undefined) ?? null;
          const now = s.timestamp as number;
          const bytes = s.bytesReceived as number;
          if (lastBytes && now > lastBytes.at) quality.bitrateKbps = Math.round(((bytes - lastBytes.bytes) * 8) / (now - lastBytes.at));
          lastBytes = { at: now, bytes };
        }
        if (s.type === "candidate-pair" && s.nominated && s.state === "succeeded" && typeof s.currentRoundTripTime === "number") {
          quality.roundTripMs = Math.round(s.currentRoundTripTime * 1000);
        }
      });
      return quality;
    },
    close() {
      if (closed) return;
      closed = true;
      clearTimeout(restartTimer);
      unsubscribe();
      pc.close();
      setState("closed");
    },
  };

  setState("connecting");
  if (o.role === "sharer") void offer(false);
  return link;
}

/** The DTLS certificate fingerprint an SDP names: it changes only when the other side is a new peer connection. */
function fingerprintOf(sdp: string | undefined): string | null {
  return sdp ? (/^a=fingerprint:(\S+ \S+)/m.exec(sdp)?.[1] ?? null) : null;
}
