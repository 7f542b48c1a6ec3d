import { type Broker, buildBroker } from "./broker.js";
import { type BrokerConfig, configFromEnv } from "./config.js";
import { demoAccounts } from "./demo-accounts.js";
import { explainStartupError, startupProblem } from "./startup-problems.js";

/** `npm start`: one broker on the embedded store, and what to open. A setting or machine problem is one line with its fix, exit 1. */
function stop(line: string): never {
  console.error(`tandem: ${line}`);
  process.exit(1);
}

let config: BrokerConfig;
try {
  config = configFromEnv();
} catch (error) {
  stop((error as Error).message);
}
const problem = startupProblem(config);
if (problem) stop(problem);
let broker: Broker;
let url: string;
try {
  broker = await buildBroker(config);
  url = await broker.listen();
} catch (error) {
  stop(explainStartupError(error, config));
}

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
