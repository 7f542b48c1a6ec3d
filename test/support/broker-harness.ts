import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { type Broker, type BrokerOverrides, buildBroker } from "../../src/server/broker.js";
import { BrokerConfig, type BrokerConfigInput } from "../../src/server/config.js";
import { BrokerClient } from "../../tools/broker-client.js";
import { startTestIssuer, type TestIssuer } from "../../tools/token-issuer.js";

/**
 * One real broker over HTTPS on a free loopback port, trusting the tests' own
 * issuer, with its data in a temporary folder. Start one per test file.
 */
export interface Harness {
  broker: Broker;
  issuer: TestIssuer;
  wsUrl: string;
  httpsOrigin: string;
  ca: string;
  dataDir: string;
  /** A signed-in client for a user of the test directory. */
  signIn(sub: string, options?: { tid?: string; name?: string }): Promise<BrokerClient>;
  connect(headers?: Record<string, string>): Promise<BrokerClient>;
  close(): Promise<void>;
}

export async function startHarness(settings: Partial<BrokerConfigInput> = {}, overrides: BrokerOverrides = {}): Promise<Harness> {
  const issuer = await startTestIssuer();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "tandem-test-"));
  const config = BrokerConfig.parse({
    host: "127.0.0.1",
    port: 0,
    dataDir,
    sqliteFile: settings.databaseUrl ? undefined : ":memory:",
    jwksUrl: issuer.jwksUrl,
    jwtIssuer: issuer.issuer,
    jwtAudience: issuer.audience,
    logLevel: "silent",
    // Most journeys here use a sharer without a registered device; the unenrolled rule has its own tests.
    defaultTenantSettings: { allowUnenrolledDevices: true },
    ...settings,
  });
  const broker = await buildBroker(config, overrides);
  const httpsOrigin = await broker.listen();
  const wsUrl = `${httpsOrigin.replace(/^http/, "ws")}/ws`;
  const ca = broker.tls?.caCert ?? "";
  const clients: BrokerClient[] = [];
  const track = (client: BrokerClient) => {
    clients.push(client);
    return client;
  };
  return {
    broker,
    issuer,
    wsUrl,
    httpsOrigin,
    ca,
    dataDir,
    async signIn(sub, options = {}) {
      return track(await BrokerClient.signIn(wsUrl, await issuer.mint({ sub, ...options }), { ca }));
    },
    async connect(headers) {
      return track(await BrokerClient.connect(wsUrl, { ca, headers }));
    },
    async close() {
      for (const client of clients) client.kill();
      await broker.close();
      await issuer.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
