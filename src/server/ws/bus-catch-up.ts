import { toChatMessage } from "../sessions/chat-history.js";
import type { Store } from "../store/store.js";
import type { Hub } from "./hub.js";
import type { RedisBus } from "../sessions/redis-bus.js";
import { deviceTargetOf, peerOf, viewOf } from "../sessions/session-view.js";

/**
 * Redis pub/sub keeps nothing: what another broker published while this
 * broker's subscription was down (a Redis restart) never arrives. Chat and
 * session state are in the database, so once subscribed again this broker
 * sends its own parties the current state and the chat they missed. Twice:
 * right away, and once the other brokers have surely reconnected and flushed
 * what they queued. Chat already delivered is skipped by sequence number.
 */
const CATCH_UP_AFTER_MS = [200, 2_000];

export function catchUpAfterBusOutage(o: { bus: RedisBus; hub: Hub; store: Store; log: (error: unknown) => void }) {
  const catchUp = async () => {
    for (const { sessionId, catchUpAfterSeq } of o.hub.localSessions()) {
      const record = await o.store.getSession(sessionId);
      if (!record) continue;
      const session = viewOf(record);
      const sharer = peerOf(record, "helper");
      // A helper whose sharer joined meanwhile needs who joined, not only that the state moved.
      if (sharer && session.status !== "ended") o.bus.deliverLocally({ sessionId, to: "helper", message: { type: "session.peer_joined", session, peer: sharer, device: record.sharerTarget?.device ?? null, ...deviceTargetOf(record, "helper") } });
      o.bus.deliverLocally({ sessionId, to: "both", message: { type: "session.state", session } });
      for (const stored of await o.store.listChat(sessionId, catchUpAfterSeq, 500)) {
        o.bus.deliverLocally({ sessionId, to: "both", message: { type: "chat.message", sessionId, message: toChatMessage(stored) } });
      }
    }
  };
  o.bus.onResubscribed(() => {
    for (const delay of CATCH_UP_AFTER_MS) setTimeout(() => void catchUp().catch(o.log), delay).unref();
  });
}
