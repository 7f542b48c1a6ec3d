import type { PartyRole, ServerMessage } from "../../protocol/index.js";

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

export interface SessionBus {
  publish(delivery: Delivery): void;
  subscribe(handler: (delivery: Delivery) => void): () => void;
}

export function createLocalBus(): SessionBus {
  const handlers = new Set<(delivery: Delivery) => void>();
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
