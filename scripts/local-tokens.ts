import fs from "node:fs";
import path from "node:path";
import { configFromEnv } from "../src/server/config.js";
import { demoAccounts } from "../src/server/demo-accounts.js";
import { signInAsDesktop } from "../tools/desktop-sign-in.js";

/** What a script on the broker's machine needs to talk to it: its CA, and sign-in as demo people. */
export function localBrokerAccess() {
  const config = configFromEnv();
  const caFile = path.join(config.dataDir, "tls", "ca.crt");
  if (!fs.existsSync(caFile)) throw new Error(`no ${caFile}: start the broker first (npm start)`);
  const ca = fs.readFileSync(caFile, "utf8");
  const origin = process.env.TANDEM_URL ?? `https://localhost:${config.port}`;
  const accounts = demoAccounts(config.directoryFile);
  return {
    ca,
    wsUrl: `${origin.replace(/^http/, "ws")}/ws`,
    /** Signs in through the embedded IdP's real login page, as the desktop app would. */
    async tokenFor(username: string): Promise<string> {
      const account = accounts.find((a) => a.username === username);
      if (!account) throw new Error(`${username} is not a demo account`);
      return (await signInAsDesktop({ issuer: `${origin}/idp`, ca, username, password: account.password })).accessToken;
    },
  };
}
