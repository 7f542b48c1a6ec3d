import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { type Broker, type BrokerOverrides, buildBroker } from "../../src/server/broker.js";
import { BrokerConfig, type BrokerConfigInput } from "../../src/server/config.js";
import { BrokerClient } from "../../tools/broker-client.js";
import { signInAsDesktop } from "../../tools/desktop-sign-in.js";
import { HttpSession, loginFormAction } from "../../tools/http-session.js";

/**
 * A real broker with its embedded identity provider, as `npm start` runs it,
 * on a free port with a temporary data folder. People sign in through the
 * IdP's real login page, headlessly.
 */
export interface IdpHarness {
  broker: Broker;
  origin: string;
  wsUrl: string;
  ca: string;
  browser(): HttpSession;
  /** A browser signed in to the console as this person. */
  consoleSignIn(username: string, password: string, otp?: string): Promise<HttpSession>;
  /** A desktop-app access token for this person. */
  desktopToken(username: string, password: string, otp?: string): Promise<string>;
  /** A WebSocket client signed in with a desktop-app token. */
  desktopClient(username: string, password: string): Promise<BrokerClient>;
  close(): Promise<void>;
}

export async function startIdpHarness(settings: Partial<BrokerConfigInput> = {}, overrides: BrokerOverrides = {}): Promise<IdpHarness> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "tandem-idp-"));
  const broker = await buildBroker(BrokerConfig.parse({ host: "127.0.0.1", port: 0, dataDir, sqliteFile: ":memory:", logLevel: "silent", ...settings }), overrides);
  await broker.listen();
  const origin = broker.origin;
  const ca = broker.tls?.caCert ?? "";
  const issuer = `${origin}/idp`;
  const clients: BrokerClient[] = [];
  const harness: IdpHarness = {
    broker,
    origin,
    wsUrl: `${origin.replace(/^http/, "ws")}/ws`,
    ca,
    browser: () => new HttpSession(ca || undefined),
    async consoleSignIn(username, password, otp) {
      const browser = harness.browser();
      const page = await browser.follow(`${origin}/auth/login`);
      const action = loginFormAction(page);
      if (!action) throw new Error(`no login page (HTTP ${page.status})`);
      const submitted = await browser.request("POST", action, { form: { username, password, otp: otp ?? "" } });
      if (submitted.status !== 303) throw new Error(`sign-in refused (HTTP ${submitted.status})`);
      const landed = await browser.follow(new URL(submitted.headers.location!, action).toString());
      if (landed.status !== 200) throw new Error(`sign-in did not land (HTTP ${landed.status}: ${landed.body.slice(0, 200)})`);
      return browser;
    },
    desktopToken: async (username, password, otp) => (await signInAsDesktop({ issuer, ca: ca || undefined, username, password, otp })).accessToken,
    async desktopClient(username, password) {
      const client = await BrokerClient.signIn(harness.wsUrl, await harness.desktopToken(username, password), { ca });
      clients.push(client);
      return client;
    },
    async close() {
      for (const client of clients) client.kill();
      await broker.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return harness;
}
