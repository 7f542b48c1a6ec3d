import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createRedisBus, type RedisBus } from "../src/server/sessions/redis-bus.js";
import type { AnyDelivery } from "../src/server/sessions/session-bus.js";
import { redisInstalled, type RedisServer, startRedis } from "../tools/redis-server.js";
import { describeNeeding } from "./support/needs.js";

/**
 * Redis pub/sub drops what is published while a subscriber is reconnecting.
 * Signals (not stored anywhere) must still reach the other broker once its
 * subscription is back, exactly once; chat and state are left to the
 * database catch-up. Its own Redis: cutting every subscriber must not disturb other files.
 */
describeNeeding(redisInstalled() ? null : "Redis is not installed (apt-get install redis-server)")("the Redis session bus after a lost subscription", () => {
  let redis: RedisServer;
  let a: RedisBus;
  let b: RedisBus;
  let admin: Redis;
  const receivedByB: AnyDelivery[] = [];
  const prefix = `replay-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    redis = await startRedis();
    a = await createRedisBus(redis.url, prefix, "broker-a");
    b = await createRedisBus(redis.url, prefix, "broker-b");
    b.subscribe((delivery) => receivedByB.push(delivery));
    admin = new Redis(redis.url);
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close(), admin?.quit()]);
    redis?.stop();
  });

  const resubscribedBoth = () => Promise.all([a, b].map((bus) => new Promise<void>((resolve) => bus.onResubscribed(resolve))));

  it("delivers signals published while the subscriptions were down, once each; chat is not replayed", async () => {
    const sessionId = randomUUID();
    const back = resubscribedBoth();
    // Every subscriber connection on this Redis is cut; the publishers stay, so these go out to nobody.
    await admin.call("CLIENT", "KILL", "TYPE", "pubsub");
    a.publish({ sessionId, to: "helper", message: { type: "signal.ice", sessionId, from: "sharer", candidate: null } });
    a.publish({ sessionId, to: "both", message: { type: "signal.offer", sessionId, from: "sharer", sdp: "v=0 lost" } });
    a.publish({ sessionId, to: "both", message: { type: "chat.message", sessionId, message: { seq: 7, from: "helper", senderName: "Hugo", text: "stored, caught up from the database", at: Date.now() } } });
    await back;
    await new Promise((resolve) => setTimeout(resolve, 300)); // replays from both sides have arrived
    const signals = receivedByB.filter((d) => d.sessionId === sessionId).map((d) => d.message.type);
    expect(signals).toEqual(["signal.ice", "signal.offer"]);

    // Live traffic carries on, each delivery once.
    a.publish({ sessionId, to: "both", message: { type: "signal.answer", sessionId, from: "helper", sdp: "v=0 live" } });
    a.publish({ sessionId, to: "both", message: { type: "chat.message", sessionId, message: { seq: 8, from: "helper", senderName: "Hugo", text: "live", at: Date.now() } } });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(receivedByB.filter((d) => d.sessionId === sessionId).map((d) => d.message.type)).toEqual(["signal.ice", "signal.offer", "signal.answer", "chat.message"]);
  });
});
