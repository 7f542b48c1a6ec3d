import { captureFailureOf, type IceConfig, normalizeCode, type ServerMessage, type ServerMessageOf, type SessionView } from "../protocol/index.js";
import { BrokerConnection } from "../web-client/broker-connection.js";
import { ConnectionKeeper } from "../web-client/connection-keeper.js";
import { createSharerLink, type SharerLink } from "../web-client/sharer-link.js";
import { markSeen, sendChatLine, type ShownError, shownError, withMessages } from "../web-client/session-common.js";
import { Store } from "../web-client/store.js";
import { forgetSession, keepSession, readKept } from "./kept-session.js";
import { captureErrorShown, SharedScreen } from "./shared-screen.js";
import { SharerDisplays } from "./sharer-displays.js";
import { OffersOnDevice } from "./offers-on-device.js";
import type { SharerHost } from "./sharer-host.js";
import { initial, type SharerPhase, type SharerState } from "./sharer-state.js";
import { SharerTools } from "./sharer-tools.js";

export type { SharerPhase, SharerState } from "./sharer-state.js";

/**
 * The sharer's side of one session, outside React: join by code, answer the
 * helper's requests, share the screen, chat. The screen is captured only after
 * the sharer clicks Allow, and sharing stops the moment they stop it (here or
 * in the browser's own control).
 */
export class SharerSession {
  readonly store = new Store<SharerState>(initial);
  private readonly connections = new ConnectionKeeper(() => {
    const connection = new BrokerConnection({ url: this.host.brokerOrigin && `${this.host.brokerOrigin.replace(/^http/, "ws")}/ws`, token: this.host.token, proveDevice: this.host.proveDevice, userId: this.myUserId, onReconnected: (c) => this.resume(c) });
    connection.onStatus((status) => this.store.set({ connection: status }));
    connection.on((message) => this.receive(message));
    return connection;
  });
  private get connection(): BrokerConnection | null {
    return this.connections.current;
  }
  private resumeToken: string | null = null;
  private ice: IceConfig | null = null;
  /** The browser's own "Stop sharing" ends the track; that ends the session too. */
  private readonly screen = new SharedScreen(() => this.host.captureScreen(), () => void this.end());
  private peerLink: SharerLink | null = null;
  /** The sharer's screens: another is shown on the same connection (their click, or their yes to the helper's ask). */
  readonly displays: SharerDisplays;
  /** Offers from helpers who started a session for this device (desktop app only). */
  readonly offers: OffersOnDevice;
  /** The code this session was joined with: the reopened app rejoins with it. */
  private code: string | null = null;
  /** The broker's signed offer of control for the open request, which the desktop app checks before its own prompt. */
  private controlGrant: { sessionId: string; grant: string } | null = null;
  chatVisible = true;
  /** The helper's drawing, files and the clipboard, and the sharer's switches for them. */
  readonly tools: SharerTools;

  constructor(
    private readonly host: SharerHost,
    private readonly myName: string,
    private readonly myUserId?: string,
  ) {
    this.displays = new SharerDisplays(this.store, host, this.screen);
    this.tools = new SharerTools(host, () => this.connection, () => this.store.get().view, () => this.screen.current);
    this.offers = new OffersOnDevice(this.store, host, () => this.connections.open(), (code) => this.join(code));
    // The hotkey: control ends at once (main has already closed its gate); the session stays, view only.
    host.onRevokeHotkey(() => void (this.store.get().view?.level === "control" && this.downgrade()));
    host.onStopRequested(() => void this.end());
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
      this.attached(await (await this.connections.open()).request({ type: "session.join", code }, "session.joined"), code);
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
      const connection = await this.connections.open();
      const joined = await connection.request({ type: "session.resume", sessionId: kept.sessionId, resumeToken: kept.resumeToken }, "session.joined");
      this.attached(joined, kept.code);
      if (joined.session.status === "active") this.store.set({ screenLost: true });
      return true;
    } catch {
      forgetSession();
      this.store.set({ phase: "code", error: { key: "sharer.leftSession" } });
      return false;
    }
  }

  /** Picks the screen again after a reload (the click is the user gesture the browser wants) and sends it. */
  async shareAgain(): Promise<void> {
    const { view } = this.store.get();
    if (!view) return;
    try {
      await this.screen.capture();
      this.store.set({ screenLost: false, error: null });
      this.startLink(view.sessionId);
    } catch (error) {
      this.store.set({ error: captureErrorShown(error) });
    }
  }

  private attached(joined: ServerMessageOf<"session.joined">, code: string) {
    this.code = code;
    this.resumeToken = joined.resumeToken;
    this.ice = joined.ice;
    this.store.set((s) => ({ ...withMessages(s, joined.chat, "sharer", false), helper: joined.peer, connection: "connected" }));
    this.apply(joined.session);
    keepSession(joined.session, this.code, this.resumeToken);
  }

  /** Allow: capture first (the click is the user gesture the browser wants), then consent and share. */
  async allow(): Promise<void> {
    const { view } = this.store.get();
    if (!view || !this.connection) return;
    this.store.set({ error: null });
    try {
      const capturedNow = !this.screen.current;
      if (capturedNow) await this.screen.capture();
      // In the desktop app control starts only with the sharer's Allow in main's own prompt (the page cannot open it).
      if (view.requestedLevel === "control" && this.host.confirmControl) {
        const grant = this.controlGrant?.sessionId === view.sessionId ? this.controlGrant.grant : null;
        this.controlGrant = null;
        if (!grant) throw Object.assign(new Error("no signed offer of control"), { shown: { key: "error.no_control_grant" } });
        if (!(await this.host.confirmControl(grant))) {
          if (capturedNow) this.screen.stop();
          return await this.decline();
        }
      }
      // Negotiation starts alongside the consent (the broker relays signaling while a request is open): the first frame comes a round trip sooner.
      const consent = this.connection.command({ type: "session.consent", sessionId: view.sessionId, allow: true });
      this.startLink(view.sessionId);
      this.apply((await consent).session);
    } catch (error) {
      this.dropLink();
      this.screen.stop();
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
    this.tools.handOver.forget();
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
    sendChatLine({ store: this.store, connection: this.connection, sessionId: this.sessionId, from: "sharer", senderName: this.myName, text });
  }

  markChatSeen() {
    markSeen(this.store);
  }

  dispose() {
    this.host.sessionChanged(null);
    this.screen.stop();
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
    keepSession(joined.session, this.code, this.resumeToken);
    this.store.set((s) => withMessages(s, joined.chat, "sharer", !this.chatVisible));
    this.apply(joined.session);
    // The media path may have survived; if not, fresh ICE through whichever broker we reached.
    if (this.peerLink && this.peerLink.pc.connectionState !== "connected") await this.peerLink.restartIce();
  }

  private receive(message: ServerMessage) {
    const sessionId = this.sessionId;
    this.tools.handOver.receive(message);
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
      case "session.offer":
        return this.offers.offered(message);
      case "chat.message":
        if (message.sessionId === sessionId) this.store.set((s) => withMessages(s, [message.message], "sharer", !this.chatVisible));
        return;
      default:
        return;
    }
  }

  private apply(view: SessionView) {
    this.host.sessionChanged(view, this.store.get().helper?.name ?? null);
    this.tools.viewChanged(view);
    if (view.status === "ended") return this.finish(view);
    const phase: SharerPhase = view.status === "requested" ? "asked" : view.status === "active" ? "sharing" : "connected";
    if (view.status === "active") this.startLink(view.sessionId);
    this.screen.setPaused(view.paused);
    this.store.set({ view, phase });
  }

  private startLink(sessionId: string) {
    const screen = this.screen.current;
    if (!this.peerLink && screen && this.connection && this.ice) {
      this.peerLink = createSharerLink({
        connection: this.connection,
        sessionId,
        ice: this.ice,
        screen,
        onState: (linkState) => this.store.set({ linkState }),
        onVerificationCode: (verificationCode) => this.store.set({ verificationCode }),
        onMessage: (event) => (event.t === "select_display" ? this.displays.asked(event.id) : this.host.input(event, this.store.get().view)),
        onAnnotation: (annotation) => this.tools.annotation(annotation),
      });
      this.displays.use(this.peerLink);
      this.tools.handOver.attach(this.peerLink);
    }
  }

  private dropLink() {
    this.peerLink?.close();
    this.peerLink = null;
    this.displays.use(null);
    this.tools.handOver.attach(null);
  }

  private finish(view: SessionView) {
    forgetSession();
    this.screen.stop();
    this.dropLink();
    this.store.set({ view, phase: "ended", helperAway: false });
  }
}
