import type { Annotation, CaptureFailure, DeviceView, DisplayChoice, IceConfig, InputEvent, Level, Party, PointerMove, ServerMessage, SessionView, TargetDevice, OfferStatus } from "../protocol/index.js";
import { BrokerConnection, type ConnectionStatus } from "../web-client/broker-connection.js";
import { ConnectionKeeper } from "../web-client/connection-keeper.js";
import type { ReceivedFrames } from "../web-client/frames-as-received.js";
import { createHelperLink, type HelperLink } from "../web-client/helper-link.js";
import type { LinkQuality } from "../web-client/link-quality.js";
import type { LinkState } from "../web-client/peer-link.js";
import { type ChatState, markSeen, sendChatLine, type ShownError, shownError, withMessages } from "../web-client/session-common.js";
import { Store } from "../web-client/store.js";
import { HandOver } from "../web-client/hand-over.js";
import { saveFile } from "../web-client/save-file.js";

/**
 * The helper's side of one session, outside React: the broker connection,
 * the state the broker reports, the peer link and the chat. The console's
 * pages only render this and call its actions.
 */
export type HelperPhase = "idle" | "creating" | "code" | "trust" | "waiting" | "active" | "ended";

export interface HelperState extends ChatState {
  phase: HelperPhase;
  connection: ConnectionStatus;
  code: string | null;
  link: string | null;
  expiresAt: number | null;
  view: SessionView | null;
  peer: Party | null;
  device: DeviceView | null;
  /** The device the session was created for (Help on a device), as the broker recorded it. */
  targetDevice: TargetDevice | null;
  /** The broker's word that the sharer joined from another device (or the web page) than the one the session is for. */
  otherDevice: boolean;
  /** What became of the offer to the device's app (null while the broker has not said). */
  offerStatus: OfferStatus | null;
  sharerAway: { graceMs: number; since: number } | null;
  /** How long the broker waited for the sharer before it ended the session (for the words of that ending). */
  lostAfterMs: number | null;
  /** Something the helper should know that is not an error, as a translation key. */
  notice: string | null;
  /** The sharer's screen could not be captured, and why (until they try again or the state changes). */
  captureFailed: CaptureFailure | null;
  error: ShownError | null;
  linkState: LinkState | null;
  stream: MediaStream | null;
  /** The same screen decoded as each frame arrives, played over the <video> while that path runs. */
  frames: ReceivedFrames | null;
  verificationCode: string | null;
  endedAt: number | null;
  /** The sharer's screens, when their desktop app has several (it tells which one is shown). */
  displays: DisplayChoice[];
}

const initial: HelperState = {
  phase: "idle",
  connection: "connecting",
  code: null,
  link: null,
  expiresAt: null,
  view: null,
  peer: null,
  device: null,
  targetDevice: null,
  otherDevice: false,
  offerStatus: null,
  sharerAway: null,
  lostAfterMs: null,
  notice: null,
  captureFailed: null,
  error: null,
  linkState: null,
  stream: null,
  frames: null,
  verificationCode: null,
  endedAt: null,
  displays: [],
  chat: [],
  unread: 0,
};

export class HelperSession {
  readonly store = new Store<HelperState>(initial);
  /** One connection, opened once: a second click while it opens waits for the same hello. */
  private readonly connections = new ConnectionKeeper(() => {
    const connection = new BrokerConnection({ onReconnected: (c) => this.resume(c) });
    connection.onStatus((status) => this.store.set({ connection: status }));
    connection.on((message) => this.receive(message));
    return connection;
  });
  private get connection(): BrokerConnection | null {
    return this.connections.current;
  }
  private resumeToken: string | null = null;
  private ice: IceConfig | null = null;
  private peerLink: HelperLink | null = null;
  /** Whether the helper is looking at the chat (no unread count then). */
  chatVisible = true;
  /** Files both ways and the sharer's clipboard. */
  readonly handOver = new HandOver({ role: "helper", connection: () => this.connection, view: () => this.store.get().view, save: saveFile });

  constructor(private readonly myName: string) {}

  get sessionId(): string | null {
    return this.store.get().view?.sessionId ?? null;
  }

  /** Input for the sharer's computer, on the link: sent only if it is open (the sharer's side decides whether to inject it). */
  sendInput(event: InputEvent): void {
    this.peerLink?.sendInput(event);
  }

  sendPointer(move: PointerMove): void {
    this.peerLink?.sendPointer(move);
  }

  /** Pointing and drawing on the sharer's screen (view only too); the sharer's side draws it only while the tool is on. */
  annotate(annotation: Annotation): void {
    this.peerLink?.annotate(annotation);
  }

  /** The link's quality now, or null without a link. */
  quality(): Promise<LinkQuality | null> {
    return this.peerLink?.stats() ?? Promise.resolve(null);
  }

  private async connect(): Promise<BrokerConnection> {
    const connection = await this.connections.open();
    this.store.set({ connection: "connected" });
    return connection;
  }

  /** A new session; `deviceId`: the device it is for (Help on a device), which the broker checks and records. */
  async create(deviceId: string | null = null): Promise<void> {
    this.store.set({ ...initial, phase: "creating" });
    try {
      const connection = await this.connect();
      const created = await connection.request({ type: "session.create", ...(deviceId ? { deviceId } : {}) }, "session.created");
      this.resumeToken = created.resumeToken;
      this.ice = created.ice;
      this.store.set({ phase: "code", code: created.code, link: created.link, expiresAt: created.expiresAt, view: created.session, connection: "connected", targetDevice: created.targetDevice });
    } catch (error) {
      this.store.set({ phase: "idle", error: shownError(error) });
    }
  }

  /** Ask the sharer for a level (first time, or a raise to control). */
  async request(level: Level): Promise<void> {
    const sessionId = this.sessionId;
    if (!sessionId || !this.connection) return;
    this.ensureLink(sessionId);
    this.store.set({ notice: null, error: null });
    try {
      const answer = await this.connection.command({ type: "session.request", sessionId, level });
      this.apply(answer.session);
    } catch (error) {
      this.store.set({ error: shownError(error) });
    }
  }

  async end(): Promise<void> {
    const sessionId = this.sessionId;
    if (!sessionId || !this.connection) return this.reset();
    try {
      const answer = await this.connection.command({ type: "session.end", sessionId });
      this.apply(answer.session);
    } catch {
      this.apply({ ...this.store.get().view!, status: "ended", endReason: "helper_ended" });
    }
  }

  sendChat(text: string) {
    sendChatLine({ store: this.store, connection: this.connection, sessionId: this.sessionId, from: "helper", senderName: this.myName, text });
  }

  markChatSeen() {
    markSeen(this.store);
  }

  /** Back to the home page after an ended session. */
  reset() {
    this.peerLink?.close();
    this.peerLink = null;
    this.resumeToken = null;
    this.handOver.forget();
    this.store.set({ ...initial, connection: this.connection?.status ?? "connecting" });
  }

  dispose() {
    this.peerLink?.close();
    this.connection?.close();
  }

  private ensureLink(sessionId: string): HelperLink | null {
    if (this.peerLink || !this.connection || !this.ice) return this.peerLink;
    this.peerLink = createHelperLink({
      connection: this.connection,
      sessionId,
      ice: this.ice,
      onState: (linkState) => this.store.set({ linkState }),
      onTrack: (stream, frames) => this.store.set({ stream, frames }),
      onVerificationCode: (verificationCode) => this.store.set({ verificationCode }),
      onNotice: (notice) => this.store.set({ displays: notice.displays }),
      // The sharer came back as a new peer (a reloaded page, a reopened app): a fresh link takes its offer.
      onNewPeer: (offer) => {
        this.peerLink?.close();
        this.peerLink = null;
        this.store.set({ stream: null, frames: null, verificationCode: null });
        void this.ensureLink(sessionId)?.acceptOffer(offer);
      },
    });
    this.handOver.attach(this.peerLink);
    return this.peerLink;
  }

  /** Asks the sharer to show another of their screens; they decide on their side. */
  askForDisplay(id: string): void {
    this.peerLink?.chooseDisplay(id);
    this.store.set({ notice: "remote.displayAsked" });
  }

  private async resume(connection: BrokerConnection) {
    const sessionId = this.sessionId;
    if (!sessionId || !this.resumeToken || this.store.get().phase === "ended") return;
    const joined = await connection.request({ type: "session.resume", sessionId, resumeToken: this.resumeToken }, "session.joined");
    this.resumeToken = joined.resumeToken;
    this.store.set((s) => ({ ...withMessages(s, joined.chat, "helper", !this.chatVisible), peer: joined.peer ?? s.peer, device: joined.peerDevice ?? s.device, targetDevice: joined.targetDevice, otherDevice: joined.otherDevice }));
    this.apply(joined.session);
  }

  private receive(message: ServerMessage) {
    const sessionId = this.sessionId;
    if (!("sessionId" in message || "session" in message)) return;
    this.handOver.receive(message);
    switch (message.type) {
      case "session.peer_joined":
        if (message.session.sessionId !== sessionId) return;
        this.store.set({ peer: message.peer, device: message.device, targetDevice: message.targetDevice, otherDevice: message.otherDevice });
        this.apply(message.session);
        return;
      case "session.state":
        if (message.session.sessionId === sessionId && !message.reqId) this.apply(message.session);
        return;
      case "session.capture_failed":
        if (message.sessionId === sessionId) this.store.set({ captureFailed: message.reason });
        return;
      case "session.offer_status":
        if (message.sessionId === sessionId) this.store.set({ offerStatus: message.status });
        return;
      case "session.peer_presence":
        if (message.sessionId !== sessionId) return;
        this.store.set({ sharerAway: message.status === "disconnected" ? { graceMs: message.graceMs, since: Date.now() } : null });
        return;
      case "chat.message":
        if (message.sessionId === sessionId) this.store.set((s) => withMessages(s, [message.message], "helper", !this.chatVisible));
        return;
      default:
        return;
    }
  }

  private apply(view: SessionView) {
    const before = this.store.get().view;
    const declinedRaise = before?.status === "requested" && before.requestedLevel === "control" && view.status === "active" && view.level === "view";
    const phase: HelperPhase = { created: "code", joined: "trust", requested: "waiting", active: "active", ended: "ended" }[view.status] as HelperPhase;
    if (view.status === "ended") {
      this.peerLink?.close();
      this.peerLink = null;
      this.handOver.stopAll();
    }
    this.store.set((s) => ({
      view,
      phase,
      captureFailed: view.status === "requested" && before?.status === "requested" ? s.captureFailed : null,
      notice: declinedRaise ? "helper.controlDeclined" : view.status === "ended" ? null : s.notice,
      endedAt: view.status === "ended" ? (s.endedAt ?? Date.now()) : null,
      stream: view.status === "ended" ? null : s.stream,
      frames: view.status === "ended" ? null : s.frames,
      sharerAway: view.status === "ended" ? null : s.sharerAway,
      lostAfterMs: view.status === "ended" ? (s.sharerAway?.graceMs ?? s.lostAfterMs) : null,
    }));
  }
}
