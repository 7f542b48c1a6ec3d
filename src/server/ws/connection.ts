import type { WebSocket } from "ws";
import type { PartyRole, ServerMessage } from "../../protocol/index.js";
import type { Identity } from "../identity/identity.js";
import type { DeviceRecord } from "../store/store.js";
import type { RateBucket } from "./message-rate.js";

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
  /** Messages of one connection are handled in order (an offer before its ICE candidates). */
  queue: Promise<void>;
}

export function send(connection: Connection, message: ServerMessage): void {
  sendSerialized(connection, JSON.stringify(message));
}

/** For a message that goes to several connections: serialise once. */
export function sendSerialized(connection: Connection, json: string): void {
  if (connection.socket.readyState === connection.socket.OPEN) connection.socket.send(json);
}
