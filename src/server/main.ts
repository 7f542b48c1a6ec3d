import { buildBroker } from "./broker.js";
import { configFromEnv } from "./config.js";
import { demoAccounts } from "./demo-accounts.js";

/** `npm start`: one broker on the embedded store, and what to open. */
const config = configFromEnv();
const broker = await buildBroker(config);
const url = await broker.listen();

const lines = [
  "",
  `Tandem broker listening on ${url}  (open ${new URL(url).protocol}//localhost:${new URL(url).port}/)`,
  `  WebSocket:     ${broker.tls ? "wss" : "ws"}://localhost:${new URL(url).port}/ws`,
  `  Data folder:   ${config.dataDir}`,
  broker.tls?.caCertPath ? `  Local CA:      ${broker.tls.caCertPath}  (trust it, or export NODE_EXTRA_CA_CERTS=${broker.tls.caCertPath})` : null,
  broker.idp ? `  Sign-in:       the embedded identity provider at ${broker.idp.issuer}` : `  Sign-in:       tokens from ${config.jwtIssuer} (JWKS ${config.jwksUrl})`,
  "  Try a session: npm run demo:pair   (in a second terminal)",
  "",
];
console.log(lines.filter((line) => line !== null).join("\n"));
if (broker.idp) {
  const accounts = demoAccounts(config.directoryFile);
  if (accounts.length) {
    console.log("  Demo accounts (directory: " + config.directoryFile + "):");
    for (const a of accounts) console.log(`    ${a.username.padEnd(24)} ${a.password.padEnd(16)} ${a.tenant.padEnd(16)} ${a.groups.join(", ")}`);
    console.log("");
  }
}
if (!broker.tls) console.warn("  TLS is off (TANDEM_TLS=off): serve this broker only behind a proxy that terminates TLS.\n");

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    broker.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}
