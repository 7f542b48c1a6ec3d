import { ANNOTATE_CHANNEL, INPUT_CHANNEL, type IceConfig, POINTER_CHANNEL, type ServerMessage, TOOLS_CHANNEL } from "../protocol/index.js";
import type { BrokerConnection } from "./broker-connection.js";
import { verificationCode } from "./verification-code.js";

/**
 * What both ends of a session's RTCPeerConnection share, signaled through the
 * broker: the sharer offers (helper-link.ts and sharer-link.ts hold each
 * side's part). Both data channels are pre-negotiated with fixed ids, so
 * neither side waits for the other to announce them: `input` reliable and
 * ordered, `pointer` unordered without retransmits (a late move is worthless),
 * `annotate` (pointing and drawing) and `tools` (clipboard text) reliable and
 * ordered. A file travels on a channel of its own, opened by its sender.
 */
export type LinkState = "connecting" | "connected" | "reconnecting" | "failed" | "closed";

export interface LinkEvents {
  onState?: (state: LinkState) => void;
  onVerificationCode?: (code: string | null) => void;
}

export interface PeerCore {
  readonly pc: RTCPeerConnection;
  readonly input: RTCDataChannel;
  readonly pointer: RTCDataChannel;
  readonly annotate: RTCDataChannel;
  readonly tools: RTCDataChannel;
  readonly closed: () => boolean;
  setState(state: LinkState): void;
  /** Sends JSON on an open channel; nothing when it is not open (input is never queued for later). */
  send(channel: RTCDataChannel, message: unknown): void;
  /** After a remote description is set: the candidates that came before it, and the code both sides read aloud. */
  remoteDescriptionSet(): Promise<void>;
  close(): void;
}

const DISCONNECTED_RESTART_MS = 2_000;

/** The session's pre-negotiated channels, as both ends (and the benchmarks) open them. */
export const CHANNELS = {
  input: { label: INPUT_CHANNEL, options: { negotiated: true, id: 0, ordered: true } },
  pointer: { label: POINTER_CHANNEL, options: { negotiated: true, id: 1, ordered: false, maxRetransmits: 0 } },
  annotate: { label: ANNOTATE_CHANNEL, options: { negotiated: true, id: 2, ordered: true } },
  tools: { label: TOOLS_CHANNEL, options: { negotiated: true, id: 3, ordered: true } },
} as const satisfies Record<string, { label: string; options: RTCDataChannelInit }>;
const open = (pc: RTCPeerConnection, c: (typeof CHANNELS)[keyof typeof CHANNELS]) => pc.createDataChannel(c.label, c.options);

/**
 * The connection, its channels, ICE candidates both ways, the verification
 * code and the link's state. `onSignal` gets this session's offers and
 * answers; `reconnect`, when given, is how this side recovers a connection
 * that dropped (the sharer renegotiates; the helper waits for that offer).
 */
export function createPeerCore(
  o: { connection: BrokerConnection; sessionId: string; config: RTCConfiguration; onSignal: (message: Extract<ServerMessage, { type: "signal.offer" | "signal.answer" }>) => Promise<void>; reconnect?: () => void } & LinkEvents,
): PeerCore {
  const pc = new RTCPeerConnection(o.config);
  const input = open(pc, CHANNELS.input);
  const pointer = open(pc, CHANNELS.pointer);
  const annotate = open(pc, CHANNELS.annotate);
  const tools = open(pc, CHANNELS.tools);
  const earlyCandidates: RTCIceCandidateInit[] = [];
  let closed = false;
  let restartTimer: ReturnType<typeof setTimeout> | undefined;
  const setState = (state: LinkState) => o.onState?.(state);

  pc.onicecandidate = (event) => {
    o.connection.send({ type: "signal.ice", sessionId: o.sessionId, candidate: event.candidate ? (event.candidate.toJSON() as never) : null });
  };
  pc.onconnectionstatechange = () => {
    const s = pc.connectionState;
    clearTimeout(restartTimer);
    if (s === "connected") setState("connected");
    else if (s === "disconnected") {
      setState("reconnecting");
      if (o.reconnect) restartTimer = setTimeout(o.reconnect, DISCONNECTED_RESTART_MS);
    } else if (s === "failed") {
      setState(o.reconnect ? "reconnecting" : "failed");
      o.reconnect?.();
    } else if (s === "closed") setState("closed");
  };

  async function addCandidate(candidate: RTCIceCandidateInit | null) {
    if (!pc.remoteDescription) {
      if (candidate) earlyCandidates.push(candidate);
      return;
    }
    await pc.addIceCandidate(candidate ?? undefined).catch(() => undefined);
  }

  const unsubscribe = o.connection.on(async (message: ServerMessage) => {
    if (closed || !("sessionId" in message) || message.sessionId !== o.sessionId) return;
    try {
      if (message.type === "signal.offer" || message.type === "signal.answer") await o.onSignal(message);
      else if (message.type === "signal.ice") await addCandidate(message.candidate as RTCIceCandidateInit | null);
    } catch (error) {
      console.warn("signaling failed", error);
      setState("failed");
    }
  });

  setState("connecting");
  return {
    pc,
    input,
    pointer,
    annotate,
    tools,
    closed: () => closed,
    setState,
    send(channel, message) {
      if (channel.readyState === "open") channel.send(JSON.stringify(message));
    },
    async remoteDescriptionSet() {
      for (const c of earlyCandidates.splice(0)) await pc.addIceCandidate(c).catch(() => undefined);
      const local = pc.localDescription?.sdp;
      const remote = pc.remoteDescription?.sdp;
      if (local && remote) o.onVerificationCode?.(await verificationCode(local, remote));
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
}

/** Parses one data-channel message with `parse`, or drops it (too long, not JSON, not the schema): never half-applied. */
export function parsedMessage<T>(data: unknown, maxLength: number, parse: (raw: unknown) => T): T | null {
  if (typeof data !== "string" || data.length > maxLength) return null;
  try {
    return parse(JSON.parse(data));
  } catch {
    return null;
  }
}

export function iceConfiguration(ice: IceConfig): RTCConfiguration {
  return { iceServers: ice.iceServers, iceTransportPolicy: ice.iceTransportPolicy };
}
