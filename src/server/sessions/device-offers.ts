import type { OfferStatus } from "../../protocol/index.js";
import type { Clock, Timer } from "../clock.js";
import type { Identity } from "../identity/identity.js";
import type { Redis } from "ioredis";
import { type AttemptLimiter, createAttemptLimiter, createRedisAttemptLimiter } from "../limits/attempt-limiter.js";
import { ProtocolError } from "../protocol-error.js";
import type { DeviceRecord, SessionRecord, Store } from "../store/store.js";
import type { SessionBus } from "./session-bus.js";
import { auditRow } from "./session-events.js";

/**
 * Reaching the sharer without a code: when a helper makes a session for a
 * device, the apps of that device that are connected (to any broker) are
 * offered it, with the code, so Join needs no typing. The helper hears what
 * became of the offer; the code stays the fallback. Offers are counted per
 * helper and per device before anything is sent, and every one is audited.
 */
export interface OfferLimits {
  perHelper: AttemptLimiter;
  perDevice: AttemptLimiter;
}

/** A helper may send 20 offers, a device receive 5, in 10 minutes (then the code is the way); shared through Redis in a cluster. */
export function offerLimitsFor(clock: Clock, redis?: Redis): OfferLimits {
  const limiter = (name: string, max: number) => (redis ? createRedisAttemptLimiter(redis, name, clock, max, OFFER_WINDOW_MS) : createAttemptLimiter(clock, max, OFFER_WINDOW_MS));
  return { perHelper: limiter("offer-helper", 20), perDevice: limiter("offer-device", 5) };
}
const OFFER_WINDOW_MS = 10 * 60_000;

/** How long a device's broker has to say the offer is shown before the helper hears the device is offline. */
export const OFFER_ANSWER_MS = 1500;

export function createDeviceOffers(o: { store: Store; clock: Clock; bus: SessionBus; limits: OfferLimits; answerMs?: number }) {
  const waiting = new Map<string, Timer>();
  const answerMs = o.answerMs ?? OFFER_ANSWER_MS;
  const unsubscribe = o.bus.subscribe((delivery) => {
    if (delivery.message.type === "session.offer_status" && delivery.message.status === "notified") {
      waiting.get(delivery.sessionId)?.cancel();
      waiting.delete(delivery.sessionId);
    }
  });
  const tellHelper = (sessionId: string, status: OfferStatus) => o.bus.publish({ sessionId, to: "helper", message: { type: "session.offer_status", sessionId, status } });
  const audit = (record: SessionRecord, actorId: string, action: string, detail: Record<string, unknown>) =>
    o.store.appendAudit(auditRow(record.tenantId, record.id, actorId, action, detail, o.clock.now()));

  return {
    /** Offers a new session to the apps of the device it was made for. */
    async offer(record: SessionRecord, code: string, helper: Identity): Promise<void> {
      const target = record.targetDevice;
      if (!target) return;
      const attempts = await Promise.all([o.limits.perHelper.take(`${record.tenantId}:${helper.userId}`), o.limits.perDevice.take(`${record.tenantId}:${target.deviceId}`)]);
      if (attempts.some((a) => a.wait > 0)) {
        await Promise.all(attempts.map((a) => a.refund()));
        await audit(record, helper.userId, "session.offer_refused", { device: target, reason: "rate_limited" });
        return tellHelper(record.id, "not_sent");
      }
      await audit(record, helper.userId, "session.offer_sent", { device: target });
      // Armed before publishing: on one broker the answer comes back within publish().
      waiting.set(
        record.id,
        o.clock.setTimer(answerMs, () => {
          waiting.delete(record.id);
          tellHelper(record.id, "offline");
        }),
      );
      o.bus.publish({ sessionId: record.id, to: "device", tenantId: record.tenantId, deviceId: target.deviceId, message: { type: "session.offer", sessionId: record.id, code, helper: record.helperProfile, expiresAt: record.codeExpiresAt } });
    },

    /** Not now, from the app of the device the session was made for; anyone else is refused. */
    async decline(record: SessionRecord | undefined, sharer: Identity, device: DeviceRecord | null): Promise<void> {
      if (!record || record.tenantId !== sharer.tenantId || !device || record.targetDevice?.deviceId !== device.id) throw new ProtocolError("forbidden", "this offer was not made to this device");
      if (record.status !== "created") throw new ProtocolError("invalid_transition", "the session is no longer waiting for this device");
      await audit(record, sharer.userId, "session.offer_declined", { device: record.targetDevice });
      tellHelper(record.id, "declined");
    },

    shutdown() {
      unsubscribe();
      for (const timer of waiting.values()) timer.cancel();
      waiting.clear();
    },
  };
}
export type DeviceOffers = ReturnType<typeof createDeviceOffers>;
