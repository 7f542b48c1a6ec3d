import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type Broker, buildBroker } from "../src/server/broker.js";
import { BrokerConfig } from "../src/server/config.js";
import { isStoreUnreachable, openPostgres } from "../src/server/store/engine.js";
import { sql } from "kysely";
import { BrokerClient } from "../tools/broker-client.js";
import { startTestIssuer, type TestIssuer } from "../tools/token-issuer.js";
import { findPostgresBin, type PostgresServer, startPostgres } from "../tools/postgres-server.js";
import { redisInstalled, type RedisServer, startRedis } from "../tools/redis-server.js";
import { grant } from "./support/session-steps.js";
import { describeNeeding } from "./support/needs.js";

/**
 * PostgreSQL and Redis restart under two running brokers, idle and mid-session.
 * The brokers are not restarted: they answer with a typed `unavailable` while
 * the database is down, write nothing by halves, and carry on once the engines
 * are back. This file has its own servers, so stopping them disturbs no other test.
 */
const pgBin = findPostgresBin();
const missing = !pgBin ? "PostgreSQL is not installed" : !redisInstalled() ? "Redis is not installed" : null;

describeNeeding(missing)("PostgreSQL and Redis restarting under running brokers", () => {
  let pg: PostgresServer;
  let redis: RedisServer;
  let issuer: TestIssuer;
  let dataDir: string;
  let brokers: Broker[];
  let urls: string[];
  let ca: string;
  const clients: BrokerClient[] = [];
  const signIn = async (broker: number, sub: string) => {
    const client = await BrokerClient.signIn(urls[broker]!, await issuer.mint({ sub, name: sub }), { ca });
    clients.push(client);
    return client;
  };

  /** Helper on A, sharer on B, an active session: returns both and the session id. */
  async function activeSession(tag: string) {
    const helper = await signIn(0, `${tag}-helper`);
    const sharer = await signIn(1, `${tag}-sharer`);
    const created = await helper.request({ type: "session.create" }, "session.created");
    const sessionId = created.session.sessionId;
    await sharer.request({ type: "session.join", code: created.code }, "session.joined");
    await helper.next("session.peer_joined");
    await grant(helper, sharer, sessionId, "view");
    return { helper, sharer, sessionId };
  }

  /** Chat from the helper (broker A) reaches the sharer (broker B) through Redis. */
  async function chatCrosses(helper: BrokerClient, sharer: BrokerClient, sessionId: string, text: string) {
    const ack = await helper.request({ type: "chat.send", sessionId, clientMsgId: text, text }, "chat.ack");
    const got = await sharer.next((m) => m.type === "chat.message" && m.message.text === text, 10_000);
    return { ack, got };
  }

  beforeAll(async () => {
    if (missing) throw new Error(missing);
    [pg, redis, issuer] = await Promise.all([startPostgres(pgBin!), startRedis(), startTestIssuer()]);
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "tandem-restarts-"));
    const config = () =>
      BrokerConfig.parse({ port: 0, dataDir, databaseUrl: pg.url, redisUrl: redis.url, jwksUrl: issuer.jwksUrl, jwtIssuer: issuer.issuer, jwtAudience: issuer.audience, logLevel: "silent", graceMs: 30_000, defaultTenantSettings: { allowUnenrolledDevices: true } });
    brokers = [await buildBroker(config())];
    brokers.push(await buildBroker(config()));
    urls = await Promise.all(brokers.map(async (b) => `${(await b.listen()).replace("https", "wss")}/ws`));
    ca = brokers[0]!.tls!.caCert!;
  }, 60_000);

  afterAll(async () => {
    clients.forEach((c) => c.kill());
    for (const b of brokers ?? []) await b.close();
    await issuer?.close();
    redis?.stop();
    pg?.stop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it("Redis restarting while idle: a new cross-broker session works afterwards", { timeout: 30_000 }, async () => {
    await redis.halt();
    await redis.resume();
    const { helper, sharer, sessionId } = await activeSession("redis-idle");
    await chatCrosses(helper, sharer, sessionId, "after an idle Redis restart");
  });

  it("Redis restarting mid-session: the session carries on and chat sent during the outage arrives, in order", { timeout: 30_000 }, async () => {
    const { helper, sharer, sessionId } = await activeSession("redis-mid");
    await chatCrosses(helper, sharer, sessionId, "before");
    await redis.halt();
    // Stored in PostgreSQL and acknowledged at once; its cross-broker delivery waits for Redis.
    const during = await helper.request({ type: "chat.send", sessionId, clientMsgId: "during", text: "during the outage" }, "chat.ack");
    // Signaling is not stored: the brokers publish it again once their subscriptions are back.
    sharer.send({ type: "signal.ice", sessionId, candidate: { candidate: "candidate:1 1 udp 1 192.0.2.1 5000 typ host", sdpMid: "0", sdpMLineIndex: 0 } });
    const signalDuring = helper.next((m) => m.type === "signal.ice" && m.candidate?.candidate.includes("192.0.2.1") === true, 10_000);
    await redis.resume();
    await signalDuring;
    const arrived = await sharer.next((m) => m.type === "chat.message" && m.message.text === "during the outage", 10_000);
    expect(arrived.type === "chat.message" && arrived.message.seq).toBe(during.seq);
    const { ack } = await chatCrosses(helper, sharer, sessionId, "after");
    expect(ack.seq).toBe(during.seq + 1);
    // Signaling still crosses too.
    sharer.send({ type: "signal.ice", sessionId, candidate: null });
    await helper.next((m) => m.type === "signal.ice" && m.candidate === null, 10_000);
  });

  it("PostgreSQL down while idle: typed `unavailable` answers, then normal service once it is back", { timeout: 60_000 }, async () => {
    const helper = await signIn(0, "pg-idle-helper");
    pg.halt();
    try {
      const refused = await helper.request({ type: "session.create" }, "session.created").catch((e) => e.reply);
      expect(refused).toMatchObject({ type: "error", code: "unavailable" });
    } finally {
      pg.resume();
    }
    const created = await helper.request({ type: "session.create" }, "session.created");
    expect(created.code).toMatch(/^[0-9a-z]{8}$/);
  });

  it("PostgreSQL going away under a connection in use fails that work with an error, and kills nothing", { timeout: 60_000 }, async () => {
    const db = openPostgres(pg.url, 2);
    const outcome = db
      .transaction()
      .execute(async (trx) => {
        await sql`select 1`.execute(trx);
        pg.halt(); // the checked-out client's connection dies between two queries
        await new Promise((r) => setTimeout(r, 500));
        await sql`select 1`.execute(trx);
      })
      .then(
        () => null,
        (error: unknown) => error,
      );
    try {
      expect(isStoreUnreachable(await outcome)).toBe(true);
    } finally {
      pg.resume();
    }
    expect((await sql<{ one: number }>`select 1 as one`.execute(db)).rows).toEqual([{ one: 1 }]); // the pool recovers
    await db.destroy();
  });

  it("PostgreSQL restarting mid-session: chat refused while it is down is not stored; the session goes on afterwards", { timeout: 60_000 }, async () => {
    const { helper, sharer, sessionId } = await activeSession("pg-mid");
    await chatCrosses(helper, sharer, sessionId, "one");
    pg.halt();
    try {
      const refused = await helper.request({ type: "chat.send", sessionId, clientMsgId: "lost", text: "while the database is down" }, "chat.ack").catch((e) => e.reply);
      expect(refused).toMatchObject({ type: "error", code: "unavailable" });
    } finally {
      pg.resume();
    }
    const { ack } = await chatCrosses(helper, sharer, sessionId, "two");
    const history = await sharer.request({ type: "chat.history", sessionId }, "chat.history");
    expect(history.messages.map((m) => m.text)).toEqual(["one", "two"]);
    expect(ack.seq).toBe(2);
    // The state machine still answers: the sharer ends the session, the helper is told.
    sharer.send({ type: "session.end", sessionId });
    await helper.next((m) => m.type === "session.state" && m.session.status === "ended", 10_000);
  });
});
