import { type ClientMessage, PROTOCOL_VERSION, type ServerMessage, ServerMessage as ServerMessageSchema, type ServerMessageOf } from "../protocol/index.js";

/**
 * The browser's side of the broker WebSocket: hello (the page's session cookie
 * identifies the person, or a token from the desktop app's bridge), heartbeats,
 * request/answer pairing by reqId, and a reconnect that resumes the session.
 * Every frame from the broker is parsed with the protocol's schema.
 */
export class BrokerRequestError extends Error {
  override name = "BrokerRequestError";
  constructor(
    readonly code: ServerMessageOf<"error">["code"],
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

export type ConnectionStatus = "connecting" | "connected" | "reconnecting" | "closed";
type Listener = (message: ServerMessage) => void;
type Pending = { expect: ServerMessage["type"]; sessionId?: string; resolve: (m: ServerMessage) => void; reject: (e: Error) => void };
type Command = Extract<ClientMessage, { type: "session.request" | "session.consent" | "session.downgrade" | "session.pause" | "session.end" | "session.tool" }>;
/** Distributes Omit over the union so each message keeps its own fields. */
type WithoutReqId<T> = T extends unknown ? Omit<T, "reqId"> : never;

export interface BrokerConnectionOptions {
  url?: string;
  /** A bearer token (the desktop app); the web pages use their session cookie. */
  token?: () => Promise<string | undefined>;
  /** The desktop app proves its device on every connection by signing the broker's challenge. */
  proveDevice?: (nonce: string, userId: string) => Promise<{ deviceId: string; signature: string; facts?: { platform: "macos" | "windows" | "linux"; osVersion: string; appVersion: string } } | null>;
  /** Who is signing in (the device proof names the user); known from the page's session. */
  userId?: string;
  /** After a reconnect: how to pick the session up again (session.resume). */
  onReconnected?: (connection: BrokerConnection) => Promise<void>;
}

export class BrokerConnection {
  private socket: WebSocket | null = null;
  private readonly listeners = new Set<Listener>();
  private readonly statusListeners = new Set<(s: ConnectionStatus) => void>();
  private readonly pending = new Map<string, Pending>();
  private nextReq = 1;
  private challengeWaiter: ((nonce: string) => void) | null = null;
  private heartbeat: ReturnType<typeof setInterval> | undefined;
  private wantOpen = true;
  status: ConnectionStatus = "connecting";
  welcome: ServerMessageOf<"welcome"> | null = null;

  constructor(private readonly options: BrokerConnectionOptions = {}) {}

  static defaultUrl(): string {
    return `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/ws`;
  }

  /** Opens and says hello; rejects with the broker's typed refusal. */
  async open(): Promise<ServerMessageOf<"welcome">> {
    const socket = new WebSocket(this.options.url ?? BrokerConnection.defaultUrl());
    this.socket = socket;
    const challenge = new Promise<string>((resolve) => this.challengeWaiter = resolve);
    socket.onmessage = (event) => this.receive(event.data);
    await new Promise<void>((resolve, reject) => {
      socket.onopen = () => resolve();
      socket.onerror = () => reject(new BrokerRequestError("internal", "cannot reach the Tandem service"));
    });
    socket.onclose = () => this.closed(socket);
    const token = await this.options.token?.();
    // The proof names the user it is for: the page's signed-in user, or the subject of the app's own token (the broker checks both against the verified token).
    const userId = this.options.userId ?? (token ? subjectOf(token) : null);
    const device = this.options.proveDevice && userId ? await this.options.proveDevice(await challenge, userId) : null;
    const welcome = await this.request({ type: "hello", protocol: PROTOCOL_VERSION, ...(token ? { token } : {}), ...(device ? { device } : {}) }, "welcome");
    this.welcome = welcome;
    clearInterval(this.heartbeat);
    this.heartbeat = setInterval(() => this.send({ type: "heartbeat" }), welcome.heartbeatIntervalMs);
    this.setStatus("connected");
    return welcome;
  }

  on(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onStatus(listener: (s: ConnectionStatus) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  send(message: ClientMessage): void {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(message));
  }

  /** Sends and waits for the answer of type `expect` (or the typed error with the same reqId). */
  request<T extends ServerMessage["type"]>(message: WithoutReqId<ClientMessage>, expect: T, timeoutMs = 15_000): Promise<ServerMessageOf<T>> {
    const reqId = `r${this.nextReq++}`;
    return new Promise<ServerMessageOf<T>>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(reqId);
        reject(new BrokerRequestError("internal", "the Tandem service did not answer in time"));
      }, timeoutMs);
      this.pending.set(reqId, {
        expect,
        resolve: (m) => (clearTimeout(timer), resolve(m as ServerMessageOf<T>)),
        reject: (e) => (clearTimeout(timer), reject(e)),
      });
      this.send({ ...message, reqId } as ClientMessage);
    });
  }

  /**
   * A session command. The broker answers it with the session's new state,
   * sent to both parties (no reqId), or with a typed error carrying the reqId.
   */
  command(message: WithoutReqId<Command>, timeoutMs = 15_000): Promise<ServerMessageOf<"session.state">> {
    const reqId = `r${this.nextReq++}`;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(reqId);
        reject(new BrokerRequestError("internal", "the Tandem service did not answer in time"));
      }, timeoutMs);
      this.pending.set(reqId, {
        expect: "session.state",
        sessionId: message.sessionId,
        resolve: (m) => (clearTimeout(timer), resolve(m as ServerMessageOf<"session.state">)),
        reject: (e) => (clearTimeout(timer), reject(e)),
      });
      this.send({ ...message, reqId } as ClientMessage);
    });
  }

  close(): void {
    this.wantOpen = false;
    clearInterval(this.heartbeat);
    this.socket?.close(1000);
    this.setStatus("closed");
  }

  private receive(data: unknown) {
    let parsed: ServerMessage;
    try {
      parsed = ServerMessageSchema.parse(JSON.parse(String(data)));
    } catch {
      console.warn("ignored a malformed frame from the broker");
      return;
    }
    if (parsed.type === "challenge") this.challengeWaiter?.(parsed.nonce);
    const reqId = "reqId" in parsed ? parsed.reqId : undefined;
    const waiting = reqId ? this.pending.get(reqId) : undefined;
    if (waiting && reqId) {
      if (parsed.type === "error") {
        this.pending.delete(reqId);
        waiting.reject(new BrokerRequestError(parsed.code, parsed.message, parsed.retryAfterMs));
        return;
      }
      if (parsed.type === waiting.expect) {
        this.pending.delete(reqId);
        waiting.resolve(parsed);
      }
    }
    if (parsed.type === "session.state" && !parsed.reqId) {
      for (const [id, p] of this.pending) {
        if (p.sessionId === parsed.session.sessionId) {
          this.pending.delete(id);
          p.resolve(parsed);
        }
      }
    }
    for (const listener of this.listeners) listener(parsed);
  }

  private closed(socket: WebSocket) {
    if (socket !== this.socket) return;
    clearInterval(this.heartbeat);
    for (const [, p] of this.pending) p.reject(new BrokerRequestError("internal", "the connection to the Tandem service was lost"));
    this.pending.clear();
    if (!this.wantOpen || !this.options.onReconnected) {
      this.setStatus("closed");
      return;
    }
    this.setStatus("reconnecting");
    void this.reconnect(0);
  }

  /** Tries again with backoff (any broker behind the same address will do) and resumes. */
  private async reconnect(attempt: number) {
    await new Promise((r) => setTimeout(r, Math.min(250 * 2 ** attempt, 3000)));
    if (!this.wantOpen) return;
    try {
      await this.open();
      await this.options.onReconnected?.(this);
    } catch (error) {
      if (error instanceof BrokerRequestError && error.code === "resume_failed") {
        this.setStatus("closed");
        return;
      }
      if (this.wantOpen && attempt < 30) void this.reconnect(attempt + 1);
      else this.setStatus("closed");
    }
  }

  private setStatus(status: ConnectionStatus) {
    this.status = status;
    for (const listener of this.statusListeners) listener(status);
  }
}

/** The `sub` of a JWT, read without checking it (the broker verifies the token itself). */
export function subjectOf(token: string): string | null {
  try {
    const payload = JSON.parse(atob(token.split(".")[1]!.replace(/-/g, "+").replace(/_/g, "/"))) as { sub?: unknown };
    return typeof payload.sub === "string" ? payload.sub : null;
  } catch {
    return null;
  }
}
