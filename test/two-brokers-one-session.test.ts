import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Redis } from "ioredis";
import { afterAll, beforeAll, expect, inject, it } from "vitest";
import { type Broker, buildBroker } from "../src/server/broker.js";
import { BrokerConfig } from "../src/server/config.js";
import { BrokerClient } from "../tools/broker-client.js";
import { newDeviceKey, signInWithDevice } from "../tools/device-key.js";
import { startTestIssuer, type TestIssuer } from "../tools/token-issuer.js";
import { api } from "./support/api.js";
import { createTestDatabase } from "./support/postgres-database.js";
import { describeNeeding, postgresRedisMissing } from "./support/needs.js";

const postgresUrl = inject("postgresUrl");
const redisUrl = inject("redisUrl");
// Each cluster under test has its own keys and channel in the shared Redis.
const redisPrefix = `test-${Math.random().toString(36).slice(2, 10)}`;

/**
 * Two brokers behind a load balancer: the helper lands on one, the sharer on
 * the other. They share PostgreSQL, Redis and the data folder's secrets.
 */
describeNeeding(postgresRedisMissing(postgresUrl, redisUrl))("a session whose parties sit on different brokers", () => {
  let issuer: TestIssuer;
  let dataDir: string;
  let brokers: Broker[];
  let urls: string[];
  let ca: string;
  let databaseUrl: string;
  const databaseUrlOf = () => databaseUrl;
  const clients: BrokerClient[] = [];
  const signIn = async (broker: number, sub: string) => {
    const client = await BrokerClient.signIn(urls[broker]!, await issuer.mint({ sub, name: sub }), { ca });
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    issuer = await startTestIssuer();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "tandem-two-brokers-"));
    databaseUrl = await createTestDatabase(postgresUrl!, "cluster");
    const config = (port: number) =>
      BrokerConfig.parse({ port, dataDir, databaseUrl, redisUrl, redisPrefix, jwksUrl: issuer.jwksUrl, jwtIssuer: issuer.issuer, jwtAudience: issuer.audience, logLevel: "silent", graceMs: 2000, codeFailuresPerUser: 3, httpRequestsPerMinute: 10, defaultTenantSettings: { allowUnenrolledDevices: true } });
    const first = await buildBroker(config(0)); // makes the shared secrets in the data folder
    const second = await buildBroker(config(0));
    brokers = [first, second];
    urls = await Promise.all(brokers.map(async (b) => `${(await b.listen()).replace("https", "wss")}/ws`));
    ca = first.tls!.caCert!;
  });
  afterAll(async () => {
    clients.forEach((c) => c.kill());
    for (const b of brokers) await b.close();
    await issuer.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it("code, consent, signaling and chat cross between brokers in order", async () => {
    const helper = await signIn(0, "cluster-helper");
    const sharer = await signIn(1, "cluster-sharer");
    const created = await helper.request({ type: "session.create" }, "session.created");
    const sessionId = created.session.sessionId;
    const joined = await sharer.request({ type: "session.join", code: created.code }, "session.joined");
    expect(joined.peer).toMatchObject({ userId: "cluster-helper" });
    expect((await helper.next("session.peer_joined")).peer).toMatchObject({ userId: "cluster-sharer" });

    helper.send({ type: "session.request", sessionId, level: "view" });
    await sharer.next((m) => m.type === "session.state" && m.session.status === "requested");
    sharer.send({ type: "session.consent", sessionId, allow: true });
    await helper.next((m) => m.type === "session.state" && m.session.status === "active");

    helper.send({ type: "signal.offer", sessionId, sdp: "v=0 across" });
    for (let i = 0; i < 20; i++) helper.send({ type: "signal.ice", sessionId, candidate: { candidate: `candidate:${i} 1 udp 1 10.0.0.${i} 5000 typ host`, sdpMid: "0", sdpMLineIndex: 0 } });
    expect(await sharer.next("signal.offer")).toMatchObject({ sdp: "v=0 across", from: "helper" });
    const order: string[] = [];
    for (let i = 0; i < 20; i++) order.push((await sharer.next("signal.ice")).candidate!.candidate.split(" ")[0]!);
    expect(order).toEqual(Array.from({ length: 20 }, (_, i) => `candidate:${i}`));

    await sharer.request({ type: "chat.send", sessionId, clientMsgId: "1", text: "مرحبا from broker 2" }, "chat.ack");
    expect((await helper.next("chat.message")).message).toMatchObject({ seq: 1, text: "مرحبا from broker 2" });
  });

  it("each broker takes the session as the other wrote it: a whole session across them reads no row back, loses no version check, and refuses records that are not records", async () => {
    // Counted on the real stores: every session read, and every write refused because the row had moved on.
    const reads: string[] = [];
    const lost: string[] = [];
    const originals = brokers.map((b) => ({ getSession: b.store.getSession, updateSession: b.store.updateSession }));
    brokers.forEach((b, i) => {
      b.store.getSession = async (id) => (reads.push(id), originals[i]!.getSession(id));
      b.store.updateSession = async (id, ...rest) => {
        const ok = await originals[i]!.updateSession(id, ...rest);
        if (!ok) lost.push(id);
        return ok;
      };
    });
    const redis = new Redis(redisUrl!);
    try {
      const helper = await signIn(0, "records-helper");
      const sharer = await signIn(1, "records-sharer");
      const created = await helper.request({ type: "session.create" }, "session.created");
      const sessionId = created.session.sessionId;
      await sharer.request({ type: "session.join", code: created.code }, "session.joined");
      await helper.next("session.peer_joined");
      // Not records: garbage, and this very session "ended" by a record without its other fields.
      await redis.publish(`${redisPrefix}:records`, "{not json");
      await redis.publish(`${redisPrefix}:records`, JSON.stringify({ origin: "intruder", record: { id: sessionId, status: "ended" } }));
      helper.send({ type: "session.request", sessionId, level: "control" });
      await sharer.next((m) => m.type === "session.state" && m.session.status === "requested");
      sharer.send({ type: "session.consent", sessionId, allow: true });
      await helper.next((m) => m.type === "session.state" && m.session.status === "active");
      sharer.send({ type: "session.pause", sessionId, paused: true });
      await helper.next((m) => m.type === "session.state" && m.session.paused);
      helper.send({ type: "session.end", sessionId });
      expect(await sharer.next((m) => m.type === "session.state" && m.session.status === "ended")).toMatchObject({ session: { endReason: "helper_ended" } });
      expect(reads.filter((id) => id === sessionId)).toEqual([]);
      expect(lost).toEqual([]);
      expect((await brokers[0]!.store.getSession(sessionId))!.version).toBe(5); // joined, requested, active, paused, ended
    } finally {
      brokers.forEach((b, i) => Object.assign(b.store, originals[i]));
      redis.disconnect();
    }
  });

  it("an offer for a device reaches its app on the other broker, and the helper hears it was shown", async () => {
    const token = await issuer.mint({ sub: "cluster-device-owner", name: "Device Owner" });
    const key = await newDeviceKey();
    const registering = await BrokerClient.signIn(urls[1]!, token, { ca });
    const { nonce } = await registering.next("challenge");
    await registering.request({ type: "device.register", name: "Owner's laptop", publicKey: key.publicKey, facts: { platform: "windows", osVersion: "10.0.26100", appVersion: "1.1.0" }, signature: key.prove(nonce, "cluster-device-owner") }, "device.registered");
    registering.kill();
    const { client: app } = await signInWithDevice(urls[1]!, token, "cluster-device-owner", key, { ca });
    clients.push(app);
    const helper = await signIn(0, "cluster-offer-helper");
    const created = await helper.request({ type: "session.create", deviceId: key.id }, "session.created");
    expect(await app.next("session.offer")).toMatchObject({ sessionId: created.session.sessionId, code: created.code });
    expect(await helper.next("session.offer_status")).toMatchObject({ status: "notified" });
    // No "offline" later: the other broker's answer cancelled this broker's wait.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(helper.pending().filter((m) => m.type === "session.offer_status")).toEqual([]);
    await app.request({ type: "session.decline_offer", sessionId: created.session.sessionId }, "session.offer_status");
    expect(await helper.next("session.offer_status")).toMatchObject({ status: "declined" });
  });

  it("a sharer dropped on one broker resumes on the other; the helper sees it go and come back", async () => {
    const helper = await signIn(0, "cluster-helper-2");
    const sharer = await signIn(0, "cluster-sharer-2");
    const created = await helper.request({ type: "session.create" }, "session.created");
    const sessionId = created.session.sessionId;
    const joined = await sharer.request({ type: "session.join", code: created.code }, "session.joined");
    await helper.next("session.peer_joined");
    sharer.kill();
    expect(await helper.next("session.peer_presence")).toMatchObject({ status: "disconnected", peer: "sharer" });

    const back = await signIn(1, "cluster-sharer-2");
    const resumed = await back.request({ type: "session.resume", sessionId, resumeToken: joined.resumeToken }, "session.joined");
    expect(resumed.session.status).toBe("joined");
    expect(await helper.next("session.peer_presence")).toMatchObject({ status: "reconnected", peer: "sharer" });
    helper.send({ type: "session.end", sessionId });
    expect(await back.next((m) => m.type === "session.state" && m.session.status === "ended")).toMatchObject({ session: { endReason: "helper_ended" } });
  });

  it("a broker joining (or restarting into) a running cluster does not disturb the sessions others hold", async () => {
    const helper = await signIn(0, "steady-helper");
    const sharer = await signIn(1, "steady-sharer");
    const created = await helper.request({ type: "session.create" }, "session.created");
    await sharer.request({ type: "session.join", code: created.code }, "session.joined");
    await helper.next("session.peer_joined");
    const third = await buildBroker(BrokerConfig.parse({ port: 0, dataDir, databaseUrl: databaseUrlOf(), redisUrl, redisPrefix, jwksUrl: issuer.jwksUrl, jwtIssuer: issuer.issuer, jwtAudience: issuer.audience, logLevel: "silent", graceMs: 2000 }));
    await third.listen();
    await new Promise((r) => setTimeout(r, 1500));
    await third.close();
    await new Promise((r) => setTimeout(r, 1500));
    const presence = [...helper.pending(), ...sharer.pending()].filter((m) => m.type === "session.peer_presence" || (m.type === "session.state" && m.session.status === "ended"));
    expect(presence).toEqual([]);
  });

  it("wrong codes count across brokers: spreading guesses over them gains nothing", async () => {
    const onFirst = await signIn(0, "spread-guesser");
    const onSecond = await signIn(1, "spread-guesser");
    const guess = (client: BrokerClient) => client.request({ type: "session.join", code: "wwwwwwww" }, "session.joined").then(() => "joined", (e: { code: string }) => e.code);
    expect([await guess(onFirst), await guess(onSecond), await guess(onFirst)]).toEqual(["code_invalid", "code_invalid", "code_invalid"]);
    expect(await guess(onSecond)).toBe("rate_limited");
    expect(await guess(onFirst)).toBe("rate_limited");
  });

  it("HTTP requests count across brokers too: the eleventh in a minute is refused, whichever broker gets it", async () => {
    const token = await issuer.mint({ sub: "http-caller", name: "HTTP caller" });
    const origins = urls.map((u) => u.replace(/^wss/, "https").replace(/\/ws$/, ""));
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push((await api(origins[i % 2]!, ca, token, "GET", "/api/me/permissions")).status);
    expect(statuses).toEqual(Array(10).fill(200));
    for (const origin of origins) {
      const refused = await api(origin, ca, token, "GET", "/api/me/permissions");
      expect(refused.status).toBe(429);
      expect(refused.body).toMatchObject({ type: "error", code: "rate_limited" });
    }
    // Another caller has its own budget; health checks are never limited.
    const other = await issuer.mint({ sub: "http-caller-2", name: "Another caller" });
    expect((await api(origins[0]!, ca, other, "GET", "/api/me/permissions")).status).toBe(200);
    expect((await api(origins[1]!, ca, token, "GET", "/healthz")).status).toBe(200);
  });

  it("a code is redeemed once across the cluster, whichever broker is asked first", async () => {
    const helper = await signIn(0, "cluster-helper-3");
    const created = await helper.request({ type: "session.create" }, "session.created");
    const racers = await Promise.all([signIn(0, "racer-a"), signIn(1, "racer-b"), signIn(1, "racer-c")]);
    const outcomes = await Promise.all(racers.map((r) => r.request({ type: "session.join", code: created.code }, "session.joined").then(() => "joined", (e: { code: string }) => e.code)));
    expect(outcomes.sort()).toEqual(["code_used", "code_used", "joined"]);
  });
});
