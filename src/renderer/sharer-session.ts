import { captureFailureOf, type DisplayChoice, type IceConfig, normalizeCode, type Party, type ServerMessage, type ServerMessageOf, type SessionView } from "../protocol/index.js";
import { BrokerConnection, type ConnectionStatus } from "../web-client/broker-connection.js";
import type { LinkState } from "../web-client/peer-link.js";
import { createSharerLink, type SharerLink } from "../web-client/sharer-link.js";
import { type ChatState, sendChatLine, type ShownError, shownError, withMessages } from "../web-client/session-common.js";
import { Store } from "../web-client/store.js";
import type { SharerHost } from "./sharer-host.js";

/**
 * The sharer's side of one session, outside React: join by code, answer the
 * helper's requests, share the screen, chat. The screen is captured only after
 * the sharer clicks Allow, and sharing stops the moment they stop it (here or
 * in the browser's own control).
 */
export type SharerPhase = "code" | "joining" | "connected" | "asked" | "sharing" | "ended";

export interface SharerState extends ChatState {
  phase: SharerPhase;
  connection: ConnectionStatus;
  view: SessionView | null;
  helper: Party | null;
  error: ShownError | null;
  linkState: LinkState | null;
  verificationCode: string | null;
  helperAway: boolean;
  /** How long the broker waits for the helper to come back (told with their absence), for the words of that ending. */
  helperGraceMs: number | null;
  /** The desktop app's screens (one or none on the web), and one the helper asked to see. */
  displays: DisplayChoice[];
  displayAsked: DisplayChoice | null;
  /** Back in a running session after a reload: the screen must be picked again (a browser needs the sharer's click). */
  screenLost: boolean;
}

const initial: SharerState = { phase: "code", connection: "connecting", view: null, helper: null, error: null, linkState: null, verificationCode: null, helperAway: false, helperGraceMs: null, displays: [], displayAsked: null, screenLost: false, chat: [], unread: 0 };

/** What lets this tab come back into its session after a reload (kept per tab, gone with it). */
const KEPT = "tandem.sharer.session";
interface Kept {
  sessionId: string;
  resumeToken: string;
  code: string;
}

export class SharerSession {
  readonly store = new Store<SharerState>(initial);
  private connection: BrokerConnection | null = null;
  private resumeToken: string | null = null;
  private ice: IceConfig | null = null;
  private screen: MediaStream | null = null;
  private peerLink: SharerLink | null = null;
  /** The code this session was joined with: the reopened app rejoins with it. */
  private code: string | null = null;
  /** The broker's signed offer of control for the open request, which the desktop app checks before its own prompt. */
  private controlGrant: { sessionId: string; grant: string } | null = null;
  chatVisible = true;

  constructor(
    private readonly host: SharerHost,
    private readonly myName: string,
    private readonly myUserId?: string,
  ) {
    host.onRevokeHotkey(() => void this.revokeControl());
    host.onStopRequested(() => void this.end());
  }

  /** The hotkey: control ends at once (main has already closed its gate); the session stays, view only. */
  private async revokeControl() {
    if (this.store.get().view?.level === "control") await this.downgrade();
  }

  get sessionId(): string | null {
    return this.store.get().view?.sessionId ?? null;
  }

  async join(rawCode: string): Promise<void> {
    const code = normalizeCode(rawCode);
    if (!code) {
      this.store.set({ error: { key: "error.code_format" } });
      return;
    }
    this.store.set({ phase: "joining", error: null });
    try {
      const connection = await this.connected();
      const joined = await connection.request({ type: "session.join", code }, "session.joined");
      this.attached(joined, code);
    } catch (error) {
      this.store.set({ phase: "code", error: shownError(error) });
    }
  }

  /**
   * After a reload: back into the session this tab was in, with its resume token (within the reconnect grace).
   * True when it is back; otherwise the sharer is told they left, and the code screen shows.
   */
  async restore(): Promise<boolean> {
    const kept = readKept();
    if (!kept) return false;
    this.store.set({ phase: "joining", error: null });
    try {
      const connection = await this.connected();
      const joined = await connection.request({ type: "session.resume", sessionId: kept.sessionId, resumeToken: kept.resumeToken }, "session.joined");
      this.attached(joined, kept.code);
      if (joined.session.status === "active") this.store.set({ screenLost: true });
      return true;
    } catch {
      sessionStorage.removeItem(KEPT);
      this.store.set({ phase: "code", error: { key: "sharer.leftSession" } });
      return false;
    }
  }

  /** Picks the screen again after a reload (the click is the user gesture the browser wants) and sends it. */
  async shareAgain(): Promise<void> {
    const { view } = this.store.get();
    if (!view) return;
    try {
      this.screen = this.watched(await this.host.captureScreen());
      this.store.set({ screenLost: false, error: null });
      this.startLink(view.sessionId);
    } catch (error) {
      this.store.set({ error: error instanceof DOMException ? { key: "error.capture", values: { detail: error.message } } : shownError(error) });
    }
  }

  private async connected(): Promise<BrokerConnection> {
    if (this.connection && this.connection.status !== "closed") return this.connection;
    const url = this.host.brokerOrigin ? `${this.host.brokerOrigin.replace(/^http/, "ws")}/ws` : undefined;
    const connection = new BrokerConnection({ url, token: this.host.token, proveDevice: this.host.proveDevice, userId: this.myUserId, onReconnected: (c) => this.resume(c) });
    connection.onStatus((status) => this.store.set({ connection: status }));
    connection.on((message) => this.receive(message));
    this.connection = connection;
    await connection.open();
    return connection;
  }

  private attached(joined: ServerMessageOf<"session.joined">, code: string) {
    this.code = code;
    this.resumeToken = joined.resumeToken;
    this.ice = joined.ice;
    this.store.set((s) => ({ ...withMessages(s, joined.chat, "sharer", false), helper: joined.peer, connection: "connected" }));
    this.apply(joined.session);
    this.keep(joined.session);
  }

  private keep(view: SessionView) {
    if (this.code && this.resumeToken && view.status !== "ended") sessionStorage.setItem(KEPT, JSON.stringify({ sessionId: view.sessionId, resumeToken: this.resumeToken, code: this.code } satisfies Kept));
  }

  /** Allow: capture first (the click is the user gesture the browser wants), then consent and share. */
  async allow(): Promise<void> {
    const { view } = this.store.get();
    if (!view || !this.connection) return;
    this.store.set({ error: null });
    try {
      const capturedNow = !this.screen;
      if (!this.screen) this.screen = this.watched(await this.host.captureScreen());
      // In the desktop app control starts only with the sharer's Allow in main's own prompt (the page cannot open it).
      if (view.requestedLevel === "control" && this.host.confirmControl) {
        const grant = this.controlGrant?.sessionId === view.sessionId ? this.controlGrant.grant : null;
        this.controlGrant = null;
        if (!grant) throw Object.assign(new Error("no signed offer of control"), { shown: { key: "error.no_control_grant" } });
        if (!(await this.host.confirmControl(grant))) {
          if (capturedNow) this.stopScreen();
          return await this.decline();
        }
      }
      // Negotiation starts alongside the consent (the broker relays signaling while a request is open): the first frame comes a round trip sooner.
      const consent = this.connection.command({ type: "session.consent", sessionId: view.sessionId, allow: true });
      this.startLink(view.sessionId);
      this.apply((await consent).session);
    } catch (error) {
      this.peerLink?.close();
      this.peerLink = null;
      this.stopScreen();
      const shown = (error as { shown?: ShownError }).shown;
      if (shown) return this.store.set({ error: shown });
      if (error instanceof DOMException) {
        // The screen could not be captured: the helper hears why at once; the request stays open for another try.
        const reason = captureFailureOf(error);
        this.connection.send({ type: "session.capture_failed", sessionId: view.sessionId, reason });
        return this.store.set({ error: { key: `sharer.capture_${reason}`, values: { detail: error.message } } });
      }
      this.store.set({ error: shownError(error) });
    }
  }

  /** After the end: back to the code screen for another session (the connection stays). */
  startOver(): void {
    this.code = null;
    this.resumeToken = null;
    this.controlGrant = null;
    this.store.set({ ...initial, connection: this.store.get().connection });
  }

  /** Quit and reopen the desktop app into this session (it rejoins with the same code). */
  async reopen(): Promise<void> {
    if (this.code && this.host.reopen) await this.host.reopen(this.code);
  }

  async decline(): Promise<void> {
    const { view } = this.store.get();
    if (!view || !this.connection) return;
    const answer = await this.connection.command({ type: "session.consent", sessionId: view.sessionId, allow: false }).catch((e: unknown) => (this.store.set({ error: shownError(e) }), null));
    if (answer) this.apply(answer.session);
  }

  async downgrade(): Promise<void> {
    await this.act({ type: "session.downgrade" });
  }

  async pause(paused: boolean): Promise<void> {
    await this.act({ type: "session.pause", paused });
  }

  async end(): Promise<void> {
    if (this.store.get().phase === "ended") return;
    if (!(await this.act({ type: "session.end" }))) this.finish({ ...this.store.get().view!, status: "ended", endReason: "sharer_ended" });
  }

  sendChat(text: string) {
    const sessionId = this.sessionId;
    if (!sessionId || !this.connection) return;
    sendChatLine({ store: this.store, connection: this.connection, sessionId, from: "sharer", senderName: this.myName, text });
  }

  markChatSeen() {
    if (this.store.get().unread) this.store.set({ unread: 0 });
  }

  dispose() {
    this.host.sessionChanged(null);
    this.stopScreen();
    this.peerLink?.close();
    this.connection?.close();
  }

  private async act(message: { type: "session.downgrade" } | { type: "session.pause"; paused: boolean } | { type: "session.end" }): Promise<boolean> {
    const sessionId = this.sessionId;
    if (!sessionId || !this.connection) return false;
    try {
      const answer = await this.connection.command({ ...message, sessionId });
      this.apply(answer.session);
      return true;
    } catch (error) {
      this.store.set({ error: shownError(error) });
      return false;
    }
  }

  private async resume(connection: BrokerConnection) {
    const sessionId = this.sessionId;
    if (!sessionId || !this.resumeToken || this.store.get().phase === "ended") return;
    const joined = await connection.request({ type: "session.resume", sessionId, resumeToken: this.resumeToken }, "session.joined");
    this.resumeToken = joined.resumeToken;
    this.keep(joined.session);
    this.store.set((s) => withMessages(s, joined.chat, "sharer", !this.chatVisible));
    this.apply(joined.session);
    // The media path may have survived; if not, fresh ICE through whichever broker we reached.
    if (this.peerLink && this.peerLink.pc.connectionState !== "connected") await this.peerLink.restartIce();
  }

  private receive(message: ServerMessage) {
    const sessionId = this.sessionId;
    switch (message.type) {
      case "session.state":
        if (message.session.sessionId === sessionId && !message.reqId) this.apply(message.session);
        return;
      case "session.control_grant":
        if (message.sessionId === sessionId) this.controlGrant = { sessionId: message.sessionId, grant: message.grant };
        return;
      case "session.peer_presence":
        if (message.sessionId === sessionId) this.store.set({ helperAway: message.status === "disconnected", helperGraceMs: message.graceMs });
        return;
      case "chat.message":
        if (message.sessionId === sessionId) this.store.set((s) => withMessages(s, [message.message], "sharer", !this.chatVisible));
        return;
      default:
        return;
    }
  }

  private apply(view: SessionView) {
    this.host.sessionChanged(view, this.store.get().helper?.name ?? null);
    if (view.status === "ended") return this.finish(view);
    const phase: SharerPhase = view.status === "requested" ? "asked" : view.status === "active" ? "sharing" : "connected";
    if (view.status === "active") this.startLink(view.sessionId);
    for (const track of this.screen?.getVideoTracks() ?? []) track.enabled = !view.paused;
    this.store.set({ view, phase });
  }

  private startLink(sessionId: string) {
    if (!this.peerLink && this.screen && this.connection && this.ice) {
      this.peerLink = createSharerLink({
        connection: this.connection,
        sessionId,
        ice: this.ice,
        screen: this.screen,
        onState: (linkState) => this.store.set({ linkState }),
        onVerificationCode: (verificationCode) => this.store.set({ verificationCode }),
        onMessage: (event) => {
          if (event.t !== "select_display") return this.host.input(event, this.store.get().view);
          // The helper asks for another screen; the sharer decides (and the click is the gesture capture needs).
          const asked = this.store.get().displays.find((d) => d.id === event.id && !d.current);
          if (asked) this.store.set({ displayAsked: asked });
        },
      });
      if (this.host.displays) this.peerLink.onInputChannelOpen(() => void this.tellDisplays());
    }
  }

  /** The browser's own "Stop sharing" ends the track; that ends the session too. */
  private watched(screen: MediaStream): MediaStream {
    for (const track of screen.getVideoTracks()) track.addEventListener("ended", this.onTrackEnded);
    return screen;
  }
  private readonly onTrackEnded = () => void this.end();

  private async tellDisplays() {
    const displays = (await this.host.displays?.().catch(() => [])) ?? [];
    this.store.set({ displays });
    this.peerLink?.sendNotice({ t: "displays", displays });
  }

  /** Shares another screen on the same connection (the sharer's click, or their yes to the helper's ask). */
  async showDisplay(id: string): Promise<void> {
    this.store.set({ displayAsked: null, error: null });
    if (!this.host.selectDisplay || !this.peerLink || !(await this.host.selectDisplay(id))) return;
    try {
      const next = this.watched(await this.host.captureScreen());
      const previous = this.screen;
      await this.peerLink.replaceScreen(next);
      this.screen = next;
      for (const track of next.getVideoTracks()) track.enabled = !this.store.get().view?.paused;
      for (const track of previous?.getTracks() ?? []) {
        track.removeEventListener("ended", this.onTrackEnded); // stopping the old screen is not the sharer stopping
        track.stop();
      }
    } catch (error) {
      this.store.set({ error: error instanceof DOMException ? { key: "error.capture", values: { detail: error.message } } : shownError(error) });
    }
    await this.tellDisplays();
  }

  declineDisplay(): void {
    this.store.set({ displayAsked: null });
  }

  private finish(view: SessionView) {
    sessionStorage.removeItem(KEPT);
    this.stopScreen();
    this.peerLink?.close();
    this.peerLink = null;
    this.store.set({ view, phase: "ended", helperAway: false });
  }

  private stopScreen() {
    for (const track of this.screen?.getTracks() ?? []) track.stop();
    this.screen = null;
  }
}

function readKept(): Kept | null {
  try {
    const kept = JSON.parse(sessionStorage.getItem(KEPT) ?? "null") as Kept | null;
    return kept && typeof kept.sessionId === "string" && typeof kept.resumeToken === "string" && typeof kept.code === "string" ? kept : null;
  } catch {
    return null;
  }
}
