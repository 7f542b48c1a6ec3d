import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, inject, it } from "vitest";
import { PROTOCOL_VERSION } from "../src/protocol/index.js";
import { type Broker, buildBroker } from "../src/server/broker.js";
import { BrokerConfig } from "../src/server/config.js";
import { freePort } from "../src/server/http/free-port.js";
import { BrokerClient } from "../tools/broker-client.js";
import { HttpSession, loginFormAction } from "../tools/http-session.js";
import { northwind } from "./support/demo-people.js";
import { createTestDatabase } from "./support/postgres-database.js";
import { describeNeeding, postgresRedisMissing } from "./support/needs.js";

const postgresUrl = inject("postgresUrl");
const redisUrl = inject("redisUrl");
// Each cluster under test has its own keys and channel in the shared Redis.
const redisPrefix = `test-${Math.random().toString(36).slice(2, 10)}`;

/** Behind a load balancer, a console sign-in may start on one broker and land on another; the cookie works on all. */
describeNeeding(postgresRedisMissing(postgresUrl, redisUrl))("console sign-in across brokers", () => {
  let brokers: Broker[];
  let origin: string;
  let second: string;
  let ca: string;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "tandem-console-cluster-"));
    const databaseUrl = await createTestDatabase(postgresUrl!, "console");
    const [portA, portB] = [await freePort("127.0.0.1"), await freePort("127.0.0.1")];
    origin = `https://localhost:${portA}`; // the load balancer's address, as every broker knows it
    const config = (port: number) => BrokerConfig.parse({ port, publicOrigin: origin, dataDir, databaseUrl, redisUrl, redisPrefix, logLevel: "silent" });
    const a = await buildBroker(config(portA)); // makes the shared secrets in the data folder first
    const b = await buildBroker(config(portB));
    brokers = [a, b];
    await Promise.all(brokers.map((x) => x.listen()));
    second = `https://localhost:${portB}`;
    ca = a.tls!.caCert!;
  });
  afterAll(async () => {
    for (const b of brokers) await b.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it("starts on one broker, finishes on the other, and the session cookie opens every broker's API and WebSocket", async () => {
    const browser = new HttpSession(ca);
    const page = await browser.follow(`${origin}/auth/login?returnTo=/admin`);
    const submitted = await browser.request("POST", loginFormAction(page)!, { form: { username: northwind.admin.username, password: northwind.admin.password } });
    let step = await browser.request("GET", new URL(submitted.headers.location!, origin).toString());
    while (!step.headers.location!.includes("/auth/callback")) step = await browser.request("GET", new URL(step.headers.location!, step.url).toString());
    // The load balancer sends the callback to the second broker.
    const callback = new URL(step.headers.location!, origin);
    const landed = await browser.request("GET", `${second}${callback.pathname}${callback.search}`);
    expect(landed.status).toBe(303);
    expect(landed.headers.location).toBe("/admin");

    for (const at of [origin, second]) {
      const me = await browser.request("GET", `${at}/auth/me`);
      expect(me.status).toBe(200);
      expect(JSON.parse(me.body).user).toMatchObject({ userId: northwind.admin.id, name: "Ada Lindqvist" });
      expect((await browser.request("GET", `${at}/api/settings`)).status).toBe(200);
    }
    const cookie = [...browser.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
    const ws = await BrokerClient.connect(`${second.replace("https", "wss")}/ws`, { ca, headers: { cookie, origin } });
    ws.send({ type: "hello", protocol: PROTOCOL_VERSION });
    expect(await ws.next("welcome")).toMatchObject({ user: { userId: northwind.admin.id } });
    ws.kill();

    const csrf = JSON.parse((await browser.request("GET", `${second}/auth/me`)).body).csrfToken;
    expect((await browser.request("POST", `${second}/auth/logout`, { headers: { "x-csrf-token": csrf } })).status).toBe(200);
    // The old cookie, replayed on the first broker, opens nothing: the session is gone everywhere.
    expect((await new HttpSession(ca).request("GET", `${origin}/auth/me`, { headers: { cookie } })).status).toBe(401);
  });
});
