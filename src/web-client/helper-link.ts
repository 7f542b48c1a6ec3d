import { type Annotation, type IceConfig, type InputEvent, type PointerMove, SharerNotice } from "../protocol/index.js";
import type { BrokerConnection } from "./broker-connection.js";
import { decodeAsReceived, framesAsReceivedSupported, type ReceivedFrames, withFramesAsReceived } from "./frames-as-received.js";
import { type LinkQuality, readLinkQuality } from "./link-quality.js";
import { createPeerCore, iceConfiguration, type LinkEvents, parsedMessage } from "./peer-link.js";

/** The helper's end: answers the sharer's offer, shows its screen, sends input and display choices. */
export interface HelperLink {
  readonly pc: RTCPeerConnection;
  sendInput(event: InputEvent): void;
  sendPointer(event: PointerMove): void;
  /** Pointing and drawing: on the sharer's screen, never input. */
  annotate(annotation: Annotation): void;
  /** Clipboard text both ways (hand-over.ts). */
  readonly tools: RTCDataChannel;
  /** Ask the sharer's app to show another of its displays (the sharer's side decides). */
  chooseDisplay(id: string): void;
  /** Answer an offer that arrived before this link existed (see onNewPeer). */
  acceptOffer(sdp: string): Promise<void>;
  stats(): Promise<LinkQuality>;
  close(): void;
}

export interface HelperLinkEvents extends LinkEvents {
  /** The sharer's screen; `frames` the same screen decoded as received, where the browser can (frames-as-received.ts). */
  onTrack?: (stream: MediaStream, frames: ReceivedFrames | null) => void;
  /** What the sharer tells about its side (its displays), already parsed. */
  onNotice?: (notice: SharerNotice) => void;
  /**
   * An offer from a different peer connection than the one this link talks to (the sharer reloaded its page
   * or reopened the app): this link cannot take it (another DTLS certificate); the caller starts a fresh link
   * and hands it the offer.
   */
  onNewPeer?: (offerSdp: string) => void;
}

/** A sharer's notice is small: a display list. */
const MAX_NOTICE_CHARS = 8192;

export function createHelperLink(o: { connection: BrokerConnection; sessionId: string; ice: IceConfig } & HelperLinkEvents): HelperLink {
  const framesAsReceived = framesAsReceivedSupported();
  const config = iceConfiguration(o.ice);
  const core = createPeerCore({ ...o, config: framesAsReceived ? withFramesAsReceived(config) : config, onSignal: async (message) => {
    if (message.type !== "signal.offer") return;
    const current = fingerprintOf(core.pc.remoteDescription?.sdp);
    if (current && o.onNewPeer && current !== fingerprintOf(message.sdp)) return o.onNewPeer(message.sdp);
    await answer(message.sdp);
  } });
  const { pc } = core;

  pc.ontrack = (event) => {
    // Play each frame as soon as it is decoded: on a help desk's network the
    // default buffering adds tens of ms of delay for smoothness nobody needs.
    (event.receiver as RTCRtpReceiver & { jitterBufferTarget?: number | null }).jitterBufferTarget = 0;
    const frames = framesAsReceived ? decodeAsReceived(event.receiver) : null;
    o.onTrack?.(event.streams[0] ?? new MediaStream([event.track]), frames);
  };
  core.input.onmessage = (event) => {
    const notice = parsedMessage(event.data, MAX_NOTICE_CHARS, (raw) => SharerNotice.parse(raw));
    if (notice) o.onNotice?.(notice);
  };

  async function answer(sdp: string) {
    await pc.setRemoteDescription({ type: "offer", sdp });
    await pc.setLocalDescription(await pc.createAnswer());
    o.connection.send({ type: "signal.answer", sessionId: o.sessionId, sdp: pc.localDescription!.sdp });
    await core.remoteDescriptionSet();
  }

  const quality = readLinkQuality(pc);
  return {
    pc,
    sendInput: (event) => core.send(core.input, event),
    sendPointer: (event) => core.send(core.pointer, event),
    annotate: (annotation) => core.send(core.annotate, annotation),
    tools: core.tools,
    chooseDisplay: (id) => core.send(core.input, { t: "select_display", id }),
    async acceptOffer(sdp) {
      if (core.closed()) return;
      await answer(sdp).catch((error: unknown) => (console.warn("signaling failed", error), core.setState("failed")));
    },
    stats: quality,
    close: core.close,
  };
}

/** The DTLS certificate fingerprint an SDP names: it changes only when the other side is a new peer connection. */
function fingerprintOf(sdp: string | undefined): string | null {
  return sdp ? (/^a=fingerprint:(\S+ \S+)/m.exec(sdp)?.[1] ?? null) : null;
}
