import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type Broker, buildBroker } from "../src/server/broker.js";
import { BrokerConfig, type BrokerConfigInput } from "../src/server/config.js";
import { BrokerClient } from "../tools/broker-client.js";
import { startTestIssuer } from "../tools/token-issuer.js";
import { describeNeeding, postgresRedisMissing } from "./support/needs.js";
import { createTestDatabase } from "./support/postgres-database.js";
import { refusal } from "./support/session-steps.js";

/**
 * The attack: one account opens 60 connections and sends a wrong code on all
 * of them at once. With a limit of 5, exactly 5 may be checked; the rest are
 * refused before any code is looked at. On SQLite, on PostgreSQL, and with the
 * connections spread over two brokers.
 */
const postgresUrl = inject("postgresUrl");
const redisUrl = inject("redisUrl");
const LIMIT = 5;
const GUESSES = 60;

async function startBrokers(count: number, settings: Partial<BrokerConfigInput>) {
  const issuer = await startTestIssuer();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "tandem-guesses-"));
  const config = BrokerConfig.parse({
    port: 0,
    dataDir,
    jwksUrl: issuer.jwksUrl,
    jwtIssuer: issuer.issuer,
    jwtAudience: issuer.audience,
    logLevel: "silent",
    codeFailuresPerUser: LIMIT,
    codeFailuresPerAddress: 1000,
    messagesPerSecond: 1000,
    messageBurst: 1000,
    defaultTenantSettings: { allowUnenrolledDevices: true },
    ...settings,
  });
  const brokers: Broker[] = [];
  for (let i = 0; i < count; i++) brokers.push(await buildBroker(config));
  const urls = await Promise.all(brokers.map(async (b) => `${(await b.listen()).replace("https", "wss")}/ws`));
  return { issuer, brokers, urls, ca: brokers[0]!.tls!.caCert!, dataDir };
}

async function guessAtOnce(env: Awaited<ReturnType<typeof startBrokers>>, sub: string) {
  const token = await env.issuer.mint({ sub, name: sub });
  const clients = await Promise.all(Array.from({ length: GUESSES }, (_, i) => BrokerClient.signIn(env.urls[i % env.urls.length]!, token, { ca: env.ca })));
  const outcomes = await Promise.all(clients.map((c) => refusal(c.request({ type: "session.join", code: "zzzzzzzz" }, "session.joined"))));
  clients.forEach((c) => c.kill());
  return { checked: outcomes.filter((o) => o === "code_invalid").length, refused: outcomes.filter((o) => o === "rate_limited").length };
}

async function stop(env: Awaited<ReturnType<typeof startBrokers>>) {
  for (const broker of env.brokers) await broker.close();
  await env.issuer.close();
  fs.rmSync(env.dataDir, { recursive: true, force: true });
}

describe("simultaneous code guesses on one broker (SQLite)", () => {
  let env: Awaited<ReturnType<typeof startBrokers>>;
  beforeAll(async () => {
    env = await startBrokers(1, { sqliteFile: ":memory:" });
  });
  afterAll(() => stop(env));

  it(`checks exactly ${LIMIT} of ${GUESSES} simultaneous wrong codes and refuses the rest`, async () => {
    expect(await guessAtOnce(env, "racer-sqlite")).toEqual({ checked: LIMIT, refused: GUESSES - LIMIT });
    const rejected = (await env.brokers[0]!.store.listAudit({ tenantId: "northwind.test" })).filter((e) => e.action === "session.code_rejected");
    expect(rejected).toHaveLength(LIMIT);
  });
});

describeNeeding(postgresRedisMissing(postgresUrl, redisUrl))("simultaneous code guesses on PostgreSQL, one broker and two", () => {
  it(`one broker on PostgreSQL checks exactly ${LIMIT}`, { timeout: 30_000 }, async () => {
    const env = await startBrokers(1, { databaseUrl: await createTestDatabase(postgresUrl!, "guess") });
    try {
      expect(await guessAtOnce(env, "racer-pg")).toEqual({ checked: LIMIT, refused: GUESSES - LIMIT });
    } finally {
      await stop(env);
    }
  });

  it(`two brokers sharing Redis check exactly ${LIMIT} between them`, { timeout: 30_000 }, async () => {
    const redisPrefix = `guess-${Math.random().toString(36).slice(2, 10)}`;
    const env = await startBrokers(2, { databaseUrl: await createTestDatabase(postgresUrl!, "guess"), redisUrl: redisUrl!, redisPrefix });
    try {
      expect(await guessAtOnce(env, "racer-cluster")).toEqual({ checked: LIMIT, refused: GUESSES - LIMIT });
    } finally {
      await stop(env);
    }
  });
});
