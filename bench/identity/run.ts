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
import { fmt, machineFacts, medianRun, numberArg, percentile } from "../broker/stats.js";

// `npm run bench:identity`: sign-in round trips through the embedded IdP (a real
// broker process, real redirects, TLS) and the cost of a policy check per action.
const N = numberArg("n", 40);
const RUNS = numberArg("runs", 3);
const rows: [string, string][] = [];
const report = (what: string, value: string) => {
  rows.push([what, value]);
  console.log(`  ${what}: ${value}`);
};

console.log(`Tandem identity benchmark — ${machineFacts()}; command: npm run bench:identity -- --n ${N} --runs ${RUNS}`);

/** RUNS runs of one measurement: the run with the median p50 is reported, with every run's p50. */
async function roundTrips(what: string, once: () => Promise<void>) {
  const runs: number[][] = [];
  for (let run = 0; run < RUNS; run++) {
    const times: number[] = [];
    for (let i = 0; i < N; i++) {
      const t = performance.now();
      await once();
      times.push(performance.now() - t);
    }
    runs.push(times);
  }
  const median = medianRun(runs, (times) => percentile(times, 50));
  report(`${what} (median of ${RUNS} runs)`, `p50 ${fmt(percentile(median, 50))} ms, p99 ${fmt(percentile(median, 99))} ms (n=${N} a run; p50 of each run: ${runs.map((r) => fmt(percentile(r, 50))).join(", ")} ms)`);
}

// Every sign-in here comes from 127.0.0.1: the per-address limits (bench:abuse measures them) would stop a run of 3 × 40.
const broker = await startBrokerProcess({ TANDEM_HTTP_REQUESTS_PER_MINUTE: "100000", TANDEM_SIGN_IN_STARTS_PER_ADDRESS: "100000" }, [], true);
try {
  const issuer = `${broker.origin}/idp`;
  await roundTrips("desktop sign-in (authorize → login form → code → token), round trip", async () => {
    await signInAsDesktop({ issuer, ca: broker.ca, username: "hugo@northwind.test", password: "demo-helper-1" });
  });
  await roundTrips("console sign-in (BFF: msal-node code + PKCE, cookie set), round trip", async () => {
    const browser = new HttpSession(broker.ca);
    const page = await browser.follow(`${broker.origin}/auth/login`);
    const submitted = await browser.request("POST", loginFormAction(page)!, { form: { username: "hugo@northwind.test", password: "demo-helper-1" } });
    const landed = await browser.follow(new URL(submitted.headers.location!, broker.origin).toString());
    if (landed.status !== 200) throw new Error(`console sign-in failed: ${landed.status}`);
  });
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
  const runs: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const t = performance.now();
    for (let i = 0; i < M; i++) await action();
    runs.push(((performance.now() - t) * 1000) / M);
  }
  report(`${what} (median of ${RUNS} runs)`, `${fmt(medianRun(runs, (r) => r), 2)} µs per action (n=${M} a run; runs: ${runs.map((r) => fmt(r, 2)).join(", ")}; tenant config cached 5 s)`);
}
await store.close();
fs.rmSync(dir, { recursive: true, force: true });

const table = ["| figure | measured |", "|---|---|", ...rows.map(([a, b]) => `| ${a} | ${b} |`)].join("\n");
console.log(`\n${table}`);
fs.writeFileSync(new URL("./results.md", import.meta.url), `# Identity benchmark\n\nMachine: ${machineFacts()}. Date: ${new Date().toISOString()}\nCommand: \`npm run bench:identity -- --n ${N} --runs ${RUNS}\`\n\n${table}\n`);
