import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { systemClock } from "../../src/server/clock.js";
import type { Identity } from "../../src/server/identity/identity.js";
import { createSessionPolicy } from "../../src/server/policy/session-policy.js";
import { createTenantConfig } from "../../src/server/policy/tenant-config.js";
import { TenantSettings } from "../../src/protocol/index.js";
import { openSqlite } from "../../src/server/store/engine.js";
import { createKyselyStore } from "../../src/server/store/kysely-store.js";
import { signInAsDesktop } from "../../tools/desktop-sign-in.js";
import { HttpSession, loginFormAction } from "../../tools/http-session.js";
import { startBrokerProcess } from "../broker/broker-process.js";
import { fmt, percentile } from "../broker/stats.js";

// `npm run bench:identity`: sign-in round trips through the embedded IdP (a real
// broker process, real redirects, TLS) and the cost of a policy check per action.
const N = Number(process.argv[process.argv.indexOf("--n") + 1]) || 40;
const rows: [string, string][] = [];
const report = (what: string, value: string) => {
  rows.push([what, value]);
  console.log(`  ${what}: ${value}`);
};

console.log(`Tandem identity benchmark — ${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}, Node ${process.version}; command: npm run bench:identity -- --n ${N}`);
const broker = await startBrokerProcess({}, [], true);
try {
  const issuer = `${broker.origin}/idp`;
  const desktop: number[] = [];
  for (let i = 0; i < N; i++) {
    const t = performance.now();
    await signInAsDesktop({ issuer, ca: broker.ca, username: "hugo@northwind.test", password: "demo-helper-1" });
    desktop.push(performance.now() - t);
  }
  report("desktop sign-in (authorize → login form → code → token), round trip", `p50 ${fmt(percentile(desktop, 50))} ms, p99 ${fmt(percentile(desktop, 99))} ms (n=${N})`);

  const consoleTimes: number[] = [];
  for (let i = 0; i < N; i++) {
    const t = performance.now();
    const browser = new HttpSession(broker.ca);
    const page = await browser.follow(`${broker.origin}/auth/login`);
    const submitted = await browser.request("POST", loginFormAction(page)!, { form: { username: "hugo@northwind.test", password: "demo-helper-1" } });
    const landed = await browser.follow(new URL(submitted.headers.location!, broker.origin).toString());
    if (landed.status !== 200) throw new Error(`console sign-in failed: ${landed.status}`);
    consoleTimes.push(performance.now() - t);
  }
  report("console sign-in (BFF: msal-node code + PKCE, cookie set), round trip", `p50 ${fmt(percentile(consoleTimes, 50))} ms, p99 ${fmt(percentile(consoleTimes, 99))} ms (n=${N})`);
} finally {
  await broker.stop();
}

// The policy layer in process: what each protected action pays on top of its own work.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tandem-policy-bench-"));
const store = await createKyselyStore(openSqlite(path.join(dir, "policy.sqlite")), "sqlite", { auditChainKey: randomBytes(32) });
const tenants = createTenantConfig({ store, clock: systemClock, defaultSettings: () => TenantSettings.parse({ allowUnenrolledDevices: true }) });
const policy = createSessionPolicy({ tenants, store, clock: systemClock });
const helper: Identity = { userId: "h", name: "H", tenantId: "t", groups: ["help-desk"], amr: ["pwd"], profile: { userId: "h", name: "H", jobTitle: "", company: "", photoUrl: null, verifiedDomain: null, tenantName: "t" } };
await policy.create(helper, "10.0.0.1"); // bootstrap the tenant
const M = 100_000;
for (const [what, action] of [
  ["permission check: create a session", () => policy.create(helper, "10.0.0.1")],
  ["permission check: request control (scoped RBAC + device rule + access policies)", () => policy.requestLevel(helper, "s", "control", { groups: ["finance"], device: null }, "10.0.0.1")],
] as const) {
  const t = performance.now();
  for (let i = 0; i < M; i++) await action();
  report(what, `${fmt(((performance.now() - t) * 1000) / M, 2)} µs per action (n=${M}, tenant config cached 5 s)`);
}
await store.close();
fs.rmSync(dir, { recursive: true, force: true });

const table = ["| figure | measured |", "|---|---|", ...rows.map(([a, b]) => `| ${a} | ${b} |`)].join("\n");
console.log(`\n${table}`);
fs.writeFileSync(new URL("./results.md", import.meta.url), `# Identity benchmark\n\nMachine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}, Node ${process.version}. Date: ${new Date().toISOString()}\nCommand: \`npm run bench:identity\`\n\n${table}\n`);
