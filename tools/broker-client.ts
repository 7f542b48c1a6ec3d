import tls from "node:tls";
import WebSocket from "ws";
import { type ClientMessage, PROTOCOL_VERSION, ServerMessage, type ServerMessageOf } from "../src/protocol/index.js";

/**
 * A Node client of the broker's WebSocket, for tests, benchmarks and the demo.
 * Every frame it receives is parsed with the protocol schema, like any other
 * receiving end. Messages queue in an inbox that `next` consumes in order.
 */
export interface ClientOptions {
  ca?: string;
  headers?: Record<string, string>;
  /** Connect from this local address (e.g. 127.0.0.2: another client as far as per-address limits go). */
  localAddress?: string;
}

// One TLS context per trusted CA: building one per connection costs more than the handshake.
const secureContexts = new Map<string, tls.SecureContext>();
function secureContextFor(ca: string): tls.SecureContext {
  let context = secureContexts.get(ca);
  if (!context) secureContexts.set(ca, (context = tls.createSecureContext({ ca })));
  return context;
}

type Matcher = (message: ServerMessage) => boolean;

export class BrokerClient {
  private readonly inbox: ServerMessage[] = [];
  private readonly waiters = new Set<{ match: Matcher; resolve: (m: ServerMessage) => void }>();
  private heartbeat: NodeJS.Timeout | undefined;
  readonly closed: Promise<{ code: number; reason: string }>;
  /** Frames the broker sent that did not match the protocol (should stay empty). */
  readonly malformed: string[] = [];

  private constructor(readonly socket: WebSocket) {
    socket.on("message", (data: Buffer) => {
      const parsed = ServerMessage.safeParse(JSON.parse(data.toString("utf8")));
      if (!parsed.success) {
        this.malformed.push(data.toString("utf8"));
        return;
      }
      for (const waiter of this.waiters) {
        if (waiter.match(parsed.data)) {
          this.waiters.delete(waiter);
          waiter.resolve(parsed.data);
          return;
        }
      }
      this.inbox.push(parsed.data);
    });
    this.closed = new Promise((resolve) =>
      socket.on("close", (code, reason) => {
        this.stopHeartbeats();
        resolve({ code, reason: reason.toString() });
      }),
    );
  }

  static async connect(url: string, options: ClientOptions = {}): Promise<BrokerClient> {
    const secureContext = options.ca ? secureContextFor(options.ca) : undefined;
    const from = options.localAddress ? { localAddress: options.localAddress, family: 4 } : {};
    const socket = new WebSocket(url, { secureContext, headers: options.headers, maxPayload: 16 * 1024 * 1024, ...from } as unknown as WebSocket.ClientOptions);
    // Listening before "open": the broker's challenge can come in the same packet as the upgrade's answer, and
    // ws then emits it in the same tick as "open", before an await after "open" would have attached a listener.
    const client = new BrokerClient(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once("open", () => resolve());
      socket.once("error", reject);
    });
    return client;
  }

  /** Connects, says hello with the token and starts heartbeats at the broker's pace. */
  static async signIn(url: string, token: string, options: ClientOptions = {}): Promise<BrokerClient> {
    const client = await BrokerClient.connect(url, options);
    const welcome = await client.request({ type: "hello", protocol: PROTOCOL_VERSION, token }, "welcome");
    client.startHeartbeats(welcome.heartbeatIntervalMs);
    return client;
  }

  send(message: ClientMessage): void {
    this.socket.send(JSON.stringify(message));
  }

  sendRaw(data: string | Buffer, binary = false): void {
    this.socket.send(data, { binary });
  }

  /** Sends and waits for the answer of the given type, or throws on an error answer. */
  async request<T extends ServerMessage["type"]>(message: ClientMessage, answer: T, timeoutMs = 5000): Promise<ServerMessageOf<T>> {
    const reqId = message.reqId ?? `r${Math.random().toString(36).slice(2)}`;
    this.send({ ...message, reqId });
    const reply = await this.next((m) => (m.type === answer || m.type === "error") && "reqId" in m && m.reqId === reqId, timeoutMs);
    if (reply.type === "error") throw Object.assign(new Error(`${reply.code}: ${reply.message}`), { code: reply.code, reply });
    return reply as ServerMessageOf<T>;
  }

  /** The next message of a type (or matching a predicate), from the inbox or as it arrives. */
  next<T extends ServerMessage["type"]>(type: T, timeoutMs?: number): Promise<ServerMessageOf<T>>;
  next(match: Matcher, timeoutMs?: number): Promise<ServerMessage>;
  next(what: string | Matcher, timeoutMs = 5000): Promise<ServerMessage> {
    const match: Matcher = typeof what === "string" ? (m) => m.type === what : what;
    const index = this.inbox.findIndex(match);
    if (index >= 0) return Promise.resolve(this.inbox.splice(index, 1)[0]!);
    return new Promise((resolve, reject) => {
      const waiter = {
        match,
        resolve: (m: ServerMessage) => {
          clearTimeout(timer);
          resolve(m);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`no ${typeof what === "string" ? what : "matching message"} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  /** Messages received and not yet consumed. */
  pending(): readonly ServerMessage[] {
    return this.inbox;
  }

  /** Forgets messages nobody waited for. */
  clearPending(): void {
    this.inbox.length = 0;
  }

  startHeartbeats(intervalMs: number): void {
    this.stopHeartbeats();
    this.heartbeat = setInterval(() => {
      if (this.socket.readyState === WebSocket.OPEN) this.send({ type: "heartbeat" });
    }, intervalMs);
  }

  stopHeartbeats(): void {
    clearInterval(this.heartbeat);
  }

  close(): Promise<{ code: number; reason: string }> {
    this.stopHeartbeats();
    this.socket.close();
    return this.closed;
  }

  /** Drops the TCP connection without a close handshake, like a killed process. */
  kill(): void {
    this.stopHeartbeats();
    this.socket.terminate();
  }
}
