import { parseArgs } from "node:util";
import { localBrokerAccess } from "./local-tokens.js";

// `npm run token -- --sub alice --name "Alice Adams" [--tid northwind.test] [--ttl 3600]`
// Mints a bearer token from the broker's own issuer (only when no external IdP is configured).
const { values } = parseArgs({
  options: { sub: { type: "string" }, name: { type: "string" }, tid: { type: "string" }, ttl: { type: "string", default: "3600" } },
});
if (!values.sub) {
  console.error('usage: npm run token -- --sub <user id> [--name "Display Name"] [--tid tenant] [--ttl seconds]');
  process.exit(2);
}
const { issuer } = await localBrokerAccess();
console.log(await issuer.mint({ sub: values.sub, name: values.name ?? values.sub, tid: values.tid }, Number(values.ttl)));
