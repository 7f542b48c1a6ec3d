import type { WebSocket } from "ws";
import type { PartyRole, ServerMessage } from "../../protocol/index.js";
import type { Identity } from "../identity/identity.js";
import type { DeviceRecord } from "../store/store.js";
import type { RateBucket } from "../limits/rate-bucket.js";

/** Close codes the broker uses for a client that does not behave; the reason text says the rest. */
export const CLOSE_SLOW_CONSUMER = 4008;
export const CLOSE_FLOODING = 4029;

/**
 * What one connection may have waiting to be sent. A client that stops
 * reading while it keeps asking would otherwise grow the broker's memory
 * without end; past this it is closed and what it had waiting is freed.
 * Every reply fits well inside (frames and history pages are capped at 64 KiB).
 */
export const MAX_SEND_BUFFER_BYTES = 1024 * 1024;

/** One client's WebSocket and what the broker knows about it. */
export interface Connection {
  readonly id: number;
  readonly socket: WebSocket;
  readonly address: string;
  readonly rate: RateBucket;
  identity: Identity | null;
  /** This connection's challenge; a device proves itself by signing it. */
  readonly nonce: string;
  /** The device this connection proved, if any (the desktop app); null for the web page. */
  device: DeviceRecord | null;
  session: { id: string; role: PartyRole } | null;
  /** Monotonic time (performance.now) of the last frame received. */
  lastSeen: number;
  /**
   * Messages of one connection are handled in order (an offer before its ICE candidates): the last of its
   * messages still being handled, or null when none is (the next one is then handled at once).
   */
  inFlight: Promise<void> | null;
}

export function send(connection: Connection, message: ServerMessage): void {
  sendSerialized(connection, JSON.stringify(message));
}

/** For a message that goes to several connections: serialise once. */
export function sendSerialized(connection: Connection, json: string): void {
  const socket = connection.socket;
  if (socket.readyState !== socket.OPEN) return;
  if (socket.bufferedAmount + json.length > MAX_SEND_BUFFER_BYTES) {
    closeMisbehaving(connection, CLOSE_SLOW_CONSUMER, `slow_consumer: more than ${MAX_SEND_BUFFER_BYTES} bytes waiting to be read`);
    return;
  }
  socket.send(json);
}

/** Closes with a typed reason, and cuts the socket soon after: a client that does not read never completes the close handshake. */
export function closeMisbehaving(connection: Connection, code: number, reason: string): void {
  connection.socket.close(code, reason);
  setTimeout(() => connection.socket.terminate(), 5000).unref();
}
