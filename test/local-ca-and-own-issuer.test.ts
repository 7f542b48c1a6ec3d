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

  it("with no IdP configured, serves HTTPS and verifies tokens of its own issuer through the JWKS seam", async () => {
    const dataDir = tempDir();
    const broker = await buildBroker(BrokerConfig.parse({ port: 0, dataDir, logLevel: "silent" }));
    try {
      const origin = await broker.listen();
      const ca = broker.tls!.caCert!;
      const jwks = JSON.parse((await get(`${origin}/.well-known/jwks.json`, ca)).body) as { keys: { d?: string }[] };
      expect(jwks.keys).toHaveLength(1);
      expect(jwks.keys[0]!.d).toBeUndefined(); // never the private part
      expect((await get(`${origin}/`, ca)).body).toContain("Tandem broker is running");
      expect(JSON.parse((await get(`${origin}/healthz`, ca)).body)).toMatchObject({ ok: true });

      const token = await broker.localIssuer!.mint({ sub: "alice", name: "Alice Admin" }, 60);
      const client = await BrokerClient.signIn(`${origin.replace("https", "wss")}/ws`, token, { ca });
      const created = await client.request({ type: "session.create" }, "session.created");
      expect(created.link).toMatch(/^https:\/\/localhost:\d+\/s\?code=[0-9a-z]{8}$/);
      client.kill();

      const stranger = await BrokerClient.connect(`${origin.replace("https", "wss")}/ws`, { ca });
      stranger.send({ type: "hello", protocol: PROTOCOL_VERSION, token: token.slice(0, -4) + "AAAA" });
      expect(await stranger.next("error")).toMatchObject({ code: "unauthenticated" });
    } finally {
      await broker.close();
    }
  });

  it("a restarted broker lets parties resume the sessions it had", async () => {
    const dataDir = tempDir();
    const config = BrokerConfig.parse({ port: 0, dataDir, logLevel: "silent", graceMs: 5000 });
    const first = await buildBroker(config);
    const origin = await first.listen();
    const ca = first.tls!.caCert!;
    const ws = (o: string) => `${o.replace("https", "wss")}/ws`;
    const helper = await BrokerClient.signIn(ws(origin), await first.localIssuer!.mint({ sub: "h", name: "H" }), { ca });
    const sharer = await BrokerClient.signIn(ws(origin), await first.localIssuer!.mint({ sub: "s", name: "S" }), { ca });
    const created = await helper.request({ type: "session.create" }, "session.created");
    await sharer.request({ type: "session.join", code: created.code }, "session.joined");
    await helper.request({ type: "chat.send", sessionId: created.session.sessionId, clientMsgId: "1", text: "hold on" }, "chat.ack");
    await first.close();

    const second = await buildBroker(config);
    try {
      const origin2 = await second.listen();
      const back = await BrokerClient.signIn(ws(origin2), await second.localIssuer!.mint({ sub: "h", name: "H" }), { ca });
      const resumed = await back.request({ type: "session.resume", sessionId: created.session.sessionId, resumeToken: created.resumeToken }, "session.joined");
      expect(resumed).toMatchObject({ role: "helper", session: { status: "joined" }, peer: { userId: "s" } });
      expect(resumed.chat.map((m) => m.text)).toEqual(["hold on"]);
      back.kill();
    } finally {
      await second.close();
    }
  });
});
