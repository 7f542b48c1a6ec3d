import type { PartyRole, ServerMessage } from "../../protocol/index.js";
import type { SessionRecord } from "../store/store.js";

/**
 * How services tell a session's parties what happened. In process for one
 * broker; a Redis pub/sub bus carries the same deliveries between brokers.
 */
export type Audience = PartyRole | "both";

export interface Delivery {
  sessionId: string;
  to: Audience;
  message: ServerMessage;
}

/** A message for the apps of one device, wherever in the cluster they are connected (a helper's offer). */
export interface DeviceDelivery {
  sessionId: string;
  to: "device";
  tenantId: string;
  deviceId: string;
  message: ServerMessage;
}

export type AnyDelivery = Delivery | DeviceDelivery;

export interface SessionBus {
  publish(delivery: AnyDelivery): void;
  subscribe(handler: (delivery: AnyDelivery) => void): () => void;
  /**
   * Across brokers only: a session record as this broker just wrote it, for the brokers that hold the
   * session's other party (event-applier.ts keeps what each broker knows; none needs it on one broker).
   */
  shareRecord?(record: SessionRecord): void;
  /** The records other brokers shared. */
  onRecord?(handler: (record: SessionRecord) => void): void;
}

export function createLocalBus(): SessionBus {
  const handlers = new Set<(delivery: AnyDelivery) => void>();
  return {
    publish(delivery) {
      for (const handler of handlers) handler(delivery);
    },
    subscribe(handler) {
      handlers.add(handler);
      return () => handlers.delete(handler);
    },
  };
}
