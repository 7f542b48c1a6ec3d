import { Redis } from "ioredis";
import { z } from "zod";
import { ServerMessage } from "../../protocol/index.js";
import { RecentlyPublished, replayable, SeenDeliveries } from "./bus-replay.js";
import type { SessionRecord } from "../store/store.js";
import type { AnyDelivery, Delivery, SessionBus } from "./session-bus.js";
import { SessionRecordSchema } from "./session-record-schema.js";

/**
 * The session bus across brokers (REDIS_URL): a delivery is handed to this
 * broker's connections at once and published for the others, so a helper and
 * a sharer may sit on different brokers. Redis keeps one publisher's messages
 * in order, so a party sees a session's events in the order they happened.
 * What arrives from Redis crosses a process boundary and is parsed again.
 * Signals published while a subscription was down are published again once
 * it is back (bus-replay.ts).
 */

const Envelope = z.union([
  z.object({
    origin: z.string(),
    seq: z.number().int().positive(),
    delivery: z.union([
      z.object({ sessionId: z.string().uuid(), to: z.enum(["helper", "sharer", "both"]), message: ServerMessage }),
      z.object({ sessionId: z.string().uuid(), to: z.literal("device"), tenantId: z.string(), deviceId: z.string(), message: ServerMessage }),
    ]),
  }),
  z.object({ origin: z.string(), replayRequest: z.literal(true) }),
]);

const RecordEnvelope = z.object({ origin: z.string(), record: SessionRecordSchema });

export interface RedisBus extends SessionBus {
  /** The publishing connection, free for ordinary commands (presence keys). */
  client: Redis;
  /** Called each time the subscription is back after Redis was lost: whatever was published meanwhile was missed. */
  onResubscribed(handler: () => void): void;
  /** Hands a delivery to this broker's connections only (a catch-up read from the database). */
  deliverLocally(delivery: Delivery): void;
  close(): Promise<void>;
}

/** `prefix` names the cluster: brokers of one deployment share it, other deployments on the same Redis do not see them. */
export async function createRedisBus(url: string, prefix: string, brokerId: string, onBadMessage: (error: unknown) => void = () => undefined): Promise<RedisBus> {
  const CHANNEL = `${prefix}:deliveries`;
  // Session records as each broker wrote them: a missed one only costs the other broker a read from the database.
  const RECORDS = `${prefix}:records`;
  // While Redis restarts, commands wait in ioredis's offline queue and go out, in order, once it is back
  // (maxRetriesPerRequest: null); the subscriber subscribes again by itself on reconnect.
  // Auto-pipelining: the publishes of one turn of the event loop leave in one write (each write wakes Redis; bench/cluster).
  const publisher = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: null, keyPrefix: `${prefix}:`, enableAutoPipelining: true });
  const subscriber = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: null });
  for (const connection of [publisher, subscriber]) connection.on("error", () => undefined); // ioredis reconnects; failed commands reject to their callers
  await Promise.all([publisher.connect(), subscriber.connect()]);
  await subscriber.subscribe(CHANNEL, RECORDS);
  const handlers = new Set<(delivery: AnyDelivery) => void>();
  const recordHandlers = new Set<(record: SessionRecord) => void>();
  const deliverHere = (delivery: AnyDelivery) => {
    for (const handler of handlers) handler(delivery);
  };
  const published = new RecentlyPublished();
  const seen = new SeenDeliveries();
  const send = (envelope: z.input<typeof Envelope>) => void publisher.publish(CHANNEL, JSON.stringify(envelope)).catch(onBadMessage);
  const republishRecent = () => {
    for (const { seq, delivery } of published.recent()) send({ origin: brokerId, seq, delivery });
  };

  const resubscribed = new Set<() => void>();
  let lost = false;
  subscriber.on("close", () => (lost = true));
  // ioredis subscribes again by itself on reconnect; "ready" comes after that.
  subscriber.on("ready", () => {
    if (!lost) return;
    lost = false;
    // ioredis re-subscribes by itself; subscribing again is harmless and makes sure of it before catching up.
    void subscriber.subscribe(CHANNEL, RECORDS).then(() => {
      // The others may have missed this broker's signals, and this broker theirs.
      republishRecent();
      send({ origin: brokerId, replayRequest: true });
      for (const handler of resubscribed) handler();
    }, onBadMessage);
  });

  // Redis hands every subscriber its own publishes too: recognised by how `send` starts each envelope, not parsed.
  const ownEnvelope = `{"origin":${JSON.stringify(brokerId)},`;
  subscriber.on("message", (channel: string, text: string) => {
    if (text.startsWith(ownEnvelope)) return;
    try {
      if (channel === RECORDS) {
        const { record } = RecordEnvelope.parse(JSON.parse(text));
        for (const handler of recordHandlers) handler(record);
        return;
      }
      const envelope = Envelope.parse(JSON.parse(text));
      if (envelope.origin === brokerId) return;
      if ("replayRequest" in envelope) return republishRecent();
      if (!replayable(envelope.delivery) || seen.firstTime(envelope.origin, envelope.seq)) deliverHere(envelope.delivery);
    } catch (error) {
      onBadMessage(error);
    }
  });

  return {
    client: publisher,
    publish(delivery) {
      deliverHere(delivery);
      send({ origin: brokerId, ...published.add(delivery) });
    },
    subscribe(handler) {
      handlers.add(handler);
      return () => handlers.delete(handler);
    },
    shareRecord: (record) => void publisher.publish(RECORDS, JSON.stringify({ origin: brokerId, record })).catch(onBadMessage),
    onRecord: (handler) => void recordHandlers.add(handler),
    onResubscribed: (handler) => void resubscribed.add(handler),
    deliverLocally: deliverHere,
    async close() {
      subscriber.disconnect();
      await publisher.quit().catch(() => publisher.disconnect());
    },
  };
}
