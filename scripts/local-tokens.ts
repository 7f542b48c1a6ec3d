import fs from "node:fs";
import path from "node:path";
import { configFromEnv } from "../src/server/config.js";
import { loadOrCreateLocalIssuer } from "../src/server/identity/local-issuer.js";

/** What a script on the broker's machine needs to talk to it: its CA and its own issuer. */
export async function localBrokerAccess() {
  const config = configFromEnv();
  const caFile = path.join(config.dataDir, "tls", "ca.crt");
  if (!fs.existsSync(caFile)) throw new Error(`no ${caFile}: start the broker first (npm start)`);
  const issuer = await loadOrCreateLocalIssuer(config.dataDir, "urn:tandem:local-issuer");
  const origin = process.env.TANDEM_URL ?? `https://localhost:${config.port}`;
  return { ca: fs.readFileSync(caFile, "utf8"), issuer, origin, wsUrl: `${origin.replace(/^https/, "wss")}/ws` };
}
