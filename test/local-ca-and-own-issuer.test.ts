import fs from "node:fs";
import https from "node:https";
import os from "node:os";
import path from "node:path";
import { X509Certificate } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { PROTOCOL_VERSION } from "../src/protocol/index.js";
import { buildBroker } from "../src/server/broker.js";
import { BrokerConfig } from "../src/server/config.js";
import { loadOrCreateLocalTls } from "../src/server/tls/local-ca.js";
import { BrokerClient } from "../tools/broker-client.js";
import { signInAsDesktop } from "../tools/desktop-sign-in.js";

const dirs: string[] = [];
const tempDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tandem-ca-"));
  dirs.push(dir);
  return dir;
};
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

function get(url: string, ca: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    https
      .get(url, { ca }, (res) => {
        let body = "";
        res.on("data", (c) => (body += c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on("error", reject);
  });
}

describe("first start on a fresh machine", () => {
  it("makes a local CA and a localhost certificate it signed, and reuses them on the next start", async () => {
    const dir = tempDir();
    const first = await loadOrCreateLocalTls(dir);
    const leaf = new X509Certificate(first.cert);
    const ca = new X509Certificate(first.caCert!);
    expect(leaf.verify(ca.publicKey)).toBe(true);
    expect(leaf.subjectAltName).toContain("DNS:localhost");
    expect(leaf.subjectAltName).toContain("IP Address:127.0.0.1");
    expect(ca.ca).toBe(true);
    expect(fs.statSync(path.join(dir, "tls", "ca.key")).mode & 0o077).toBe(0);
    const second = await loadOrCreateLocalTls(dir);
    expect(second).toEqual(first);
  });

  it("with no IdP configured, serves HTTPS and signs people in through the embedded IdP", async () => {
    const dataDir = tempDir();
    const broker = await buildBroker(BrokerConfig.parse({ port: 0, dataDir, logLevel: "silent" }));
    try {
      const origin = await broker.listen();
      const ca = broker.tls!.caCert!;
      expect((await get(`${origin}/`, ca)).body).toContain("<title>Tandem console</title>");
      expect(JSON.parse((await get(`${origin}/healthz`, ca)).body)).toMatchObject({ ok: true });
      const discovery = JSON.parse((await get(`${broker.origin}/idp/.well-known/openid-configuration`, ca)).body);
      expect(discovery.issuer).toBe(`${broker.origin}/idp`);

      const { accessToken } = await signInAsDesktop({ issuer: `${broker.origin}/idp`, ca, username: "hugo@northwind.test", password: "demo-helper-1" });
      const client = await BrokerClient.signIn(`${broker.origin.replace("https", "wss")}/ws`, accessToken, { ca });
      const created = await client.request({ type: "session.create" }, "session.created");
      expect(created.link).toMatch(/^https:\/\/localhost:\d+\/s\?code=[0-9a-z]{8}$/);
      client.kill();

      const stranger = await BrokerClient.connect(`${broker.origin.replace("https", "wss")}/ws`, { ca });
      stranger.send({ type: "hello", protocol: PROTOCOL_VERSION, token: accessToken.slice(0, -4) + "AAAA" });
      expect(await stranger.next("error")).toMatchObject({ code: "unauthenticated" });
    } finally {
      await broker.close();
    }
  });

  it("a restarted broker lets parties resume the sessions it had", async () => {
    const dataDir = tempDir();
    const config = BrokerConfig.parse({ port: 0, dataDir, logLevel: "silent", graceMs: 5000 });
    const first = await buildBroker(config);
    await first.listen();
    const ca = first.tls!.caCert!;
    const issuer = `${first.origin}/idp`;
    const ws = `${first.origin.replace("https", "wss")}/ws`;
    const token = async (username: string, password: string) => (await signInAsDesktop({ issuer, ca, username, password })).accessToken;
    const helperToken = await token("hugo@northwind.test", "demo-helper-1");
    const helper = await BrokerClient.signIn(ws, helperToken, { ca });
    const sharer = await BrokerClient.signIn(ws, await token("sam@northwind.test", "demo-sharer-1"), { ca });
    const created = await helper.request({ type: "session.create" }, "session.created");
    await sharer.request({ type: "session.join", code: created.code }, "session.joined");
    await helper.request({ type: "chat.send", sessionId: created.session.sessionId, clientMsgId: "1", text: "hold on" }, "chat.ack");
    await first.close();

    // Same data folder, same port: the IdP's keys and the issuer are the same, so the old token still verifies.
    const second = await buildBroker({ ...config, port: Number(new URL(first.origin).port) });
    try {
      await second.listen();
      const back = await BrokerClient.signIn(ws, helperToken, { ca });
      const resumed = await back.request({ type: "session.resume", sessionId: created.session.sessionId, resumeToken: created.resumeToken }, "session.joined");
      expect(resumed).toMatchObject({ role: "helper", session: { status: "joined" }, peer: { userId: "nw-sharer-1", name: "Sam Okafor" } });
      expect(resumed.chat.map((m) => m.text)).toEqual(["hold on"]);
      back.kill();
    } finally {
      await second.close();
    }
  });
});
