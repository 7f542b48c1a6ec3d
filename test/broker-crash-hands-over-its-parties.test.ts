import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { afterAll, beforeAll, expect, inject, it } from "vitest";
import { type Broker, buildBroker } from "../src/server/broker.js";
import { BrokerConfig } from "../src/server/config.js";
import { freePort } from "../src/server/http/free-port.js";
import { BrokerClient } from "../tools/broker-client.js";
import { startTestIssuer, type TestIssuer } from "../tools/token-issuer.js";
import { createTestDatabase } from "./support/postgres-database.js";
import { describeNeeding, postgresRedisMissing } from "./support/needs.js";

const postgresUrl = inject("postgresUrl");
const redisUrl = inject("redisUrl");
// Each cluster under test has its own keys and channel in the shared Redis.
const redisPrefix = `test-${Math.random().toString(36).slice(2, 10)}`;

/**
 * A broker process is killed (SIGKILL: no goodbye). Its sharer's helper, on the
 * surviving broker, is told within seconds; the sharer reconnects through the
 * load balancer to the survivor and resumes the same session.
 */
describeNeeding(postgresRedisMissing(postgresUrl, redisUrl))("a broker that dies hands its parties over", () => {
  let issuer: TestIssuer;
  let dataDir: string;
  let survivor: Broker;
  let survivorUrl: string;
  let victim: ChildProcess;
  let victimUrl: string;
  let ca: string;
  let databaseUrl: string;
  const clients: BrokerClient[] = [];
  const spawned: ChildProcess[] = [];

  beforeAll(async () => {
    issuer = await startTestIssuer();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "tandem-crash-"));
    databaseUrl = await createTestDatabase(postgresUrl!, "crash");
    const shared = { dataDir, databaseUrl, redisUrl: redisUrl!, redisPrefix, jwksUrl: issuer.jwksUrl, jwtIssuer: issuer.issuer, jwtAudience: issuer.audience, graceMs: 10_000 };
    survivor = await buildBroker(BrokerConfig.parse({ ...shared, port: 0, logLevel: "silent", defaultTenantSettings: { allowUnenrolledDevices: true } }));
    survivorUrl = `${(await survivor.listen()).replace("https", "wss")}/ws`;
    ca = survivor.tls!.caCert!;
    ({ child: victim, url: victimUrl } = await spawnBroker());
  });

  async function spawnBroker(): Promise<{ child: ChildProcess; url: string }> {
    const port = await freePort("127.0.0.1");
    const child = spawn(process.execPath, ["--import", "tsx", "src/server/main.ts"], {
      env: {
        ...process.env,
        TANDEM_PORT: String(port),
        TANDEM_DATA_DIR: dataDir,
        DATABASE_URL: databaseUrl,
        TANDEM_DEFAULT_TENANT_SETTINGS: JSON.stringify({ allowUnenrolledDevices: true }),
        REDIS_URL: redisUrl!,
        TANDEM_REDIS_PREFIX: redisPrefix,
        TANDEM_JWKS_URL: issuer.jwksUrl,
        TANDEM_JWT_ISSUER: issuer.issuer,
        TANDEM_JWT_AUDIENCE: issuer.audience,
        TANDEM_GRACE_MS: "10000",
        TANDEM_LOG_LEVEL: "warn",
      },
      stdio: ["ignore", "pipe", "inherit"],
    });
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on("data", (chunk: Buffer) => chunk.toString().includes("listening") && resolve());
      child.once("exit", (code) => reject(new Error(`the broker process exited with ${code}`)));
    });
    child.stdout!.resume();
    spawned.push(child);
    return { child, url: `wss://localhost:${port}/ws` };
  }
  afterAll(async () => {
    clients.forEach((c) => c.kill());
    spawned.forEach((child) => child.kill("SIGKILL"));
    await survivor.close();
    await issuer.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const signIn = async (url: string, sub: string) => {
    const client = await BrokerClient.signIn(url, await issuer.mint({ sub, name: sub }), { ca });
    clients.push(client);
    return client;
  };

  it("the helper hears within seconds, and the sharer resumes on the survivor", async () => {
    const helper = await signIn(survivorUrl, "crash-helper");
    const sharer = await signIn(victimUrl, "crash-sharer");
    const created = await helper.request({ type: "session.create" }, "session.created");
    const sessionId = created.session.sessionId;
    const joined = await sharer.request({ type: "session.join", code: created.code }, "session.joined");
    await helper.next("session.peer_joined");
    await sharer.request({ type: "chat.send", sessionId, clientMsgId: "1", text: "before the crash" }, "chat.ack");

    const t0 = performance.now();
    victim.kill("SIGKILL");
    const lost = await helper.next("session.peer_presence", 8000);
    const noticedMs = performance.now() - t0;
    expect(lost).toMatchObject({ peer: "sharer", status: "disconnected" });
    expect(noticedMs).toBeLessThan(5000);

    const back = await signIn(survivorUrl, "crash-sharer");
    const resumed = await back.request({ type: "session.resume", sessionId, resumeToken: joined.resumeToken }, "session.joined");
    expect(resumed.chat.map((m) => m.text)).toEqual(["before the crash"]);
    expect(await helper.next("session.peer_presence")).toMatchObject({ status: "reconnected" });
    helper.send({ type: "session.request", sessionId, level: "view" });
    expect(await back.next((m) => m.type === "session.state" && m.session.status === "requested")).toBeTruthy();
  });

  it("the helper's broker dies mid-session: the helper resumes on the survivor, chat sent meanwhile is kept in order, one session in the audit", async () => {
    const { child, url } = await spawnBroker();
    const helper = await signIn(url, "crash-helper-2");
    const sharer = await signIn(survivorUrl, "crash-sharer-2");
    const created = await helper.request({ type: "session.create" }, "session.created");
    const sessionId = created.session.sessionId;
    await sharer.request({ type: "session.join", code: created.code }, "session.joined");
    await helper.next("session.peer_joined");

    const t0 = performance.now();
    child.kill("SIGKILL");
    expect(await sharer.next("session.peer_presence", 8000)).toMatchObject({ peer: "helper", status: "disconnected" });
    for (const text of ["one", "two"]) await sharer.request({ type: "chat.send", sessionId, clientMsgId: text, text }, "chat.ack");

    const back = await signIn(survivorUrl, "crash-helper-2");
    const resumed = await back.request({ type: "session.resume", sessionId, resumeToken: created.resumeToken }, "session.joined");
    expect(performance.now() - t0).toBeLessThan(5000);
    expect(resumed.chat.map((m) => m.text)).toEqual(["one", "two"]);
    await back.request({ type: "chat.send", sessionId, clientMsgId: "three", text: "three" }, "chat.ack");
    expect((await sharer.next((m) => m.type === "chat.message" && m.message.text === "three"))).toMatchObject({ message: { seq: 3 } });

    const audit = await survivor.store.listAudit({ tenantId: "northwind.test", sessionId });
    expect(audit.filter((e) => e.action === "session.created")).toHaveLength(1);
    expect((await survivor.store.listSessions({ tenantId: "northwind.test", helperId: "crash-helper-2", limit: 10 })).map((x) => x.id)).toEqual([sessionId]);
  });
});
