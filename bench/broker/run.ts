import fs from "node:fs";
import os from "node:os";
import { performance } from "node:perf_hooks";
import { BrokerClient } from "../../tools/broker-client.js";
import { type DeviceKey, newDeviceKey, signInWithDevice } from "../../tools/device-key.js";
import { type BrokerProcess, brokerNodeArgs, startBrokerProcess } from "./broker-process.js";
import { openViewSession } from "./view-session.js";
import { fmt, machineFacts, medianRun, numberArg, percentile, setupsCeiling, sleep } from "./stats.js";

// `npm run bench:broker [-- --idle 10000 --setups 3000 --relay-seconds 10]`
// Starts a real broker process and measures it with real TLS WebSocket clients
// from this process. Prints numbers; passes or fails nothing.
const IDLE = numberArg("idle", 10_000);
const DEVICES = numberArg("devices", 10_000);
const SETUPS = numberArg("setups", 6_000);
const SETUP_CONCURRENCY = numberArg("concurrency", 64);
const RELAY_PAIRS = numberArg("relay-pairs", 100);
const RELAY_RATE = numberArg("relay-rate", 1_000);
const RELAY_SECONDS = numberArg("relay-seconds", 10);
/** Session setups are measured this many times, each on a fresh broker; the median is reported, every run listed. */
const RUNS = numberArg("runs", 3);

const results: [string, string, string][] = [];
const report = (what: string, value: string, target: string) => {
  results.push([what, value, target]);
  console.log(`  ${what}: ${value}   (target ${target})`);
};

async function signInMany(b: BrokerProcess, prefix: string, n: number, parallel = 200): Promise<BrokerClient[]> {
  const clients: BrokerClient[] = [];
  for (let i = 0; i < n; i += parallel) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(parallel, n - i) }, async (_, j) =>
        BrokerClient.signIn(b.wsUrl, await b.issuer.mint({ sub: `${prefix}-${i + j}`, name: `${prefix} ${i + j}` }), { ca: b.ca }),
      ),
    );
    clients.push(...batch);
  }
  return clients;
}

async function idleConnections(b: BrokerProcess) {
  const where = b.ca ? "TLS in the broker" : "TLS terminated by a proxy in front (TANDEM_TLS=off)";
  console.log(`\n▶ ${IDLE} idle authenticated connections, ${where} (heartbeat every second, as the protocol asks)`);
  await sleep(1000);
  const before = b.rssBytes();
  const t0 = performance.now();
  const clients = await signInMany(b, "idle", IDLE);
  const openSeconds = (performance.now() - t0) / 1000;
  await sleep(3000);
  const after = b.rssBytes();
  const alive = clients.filter((c) => c.socket.readyState === c.socket.OPEN).length;
  report(`idle connections open and authenticated, ${where}`, `${alive} of ${IDLE} in ${fmt(openSeconds)} s`, "10,000");
  report(`broker RSS per idle connection, ${where}`, `${fmt((after - before) / IDLE / 1024)} KB (RSS ${fmt(before / 2 ** 20, 0)} → ${fmt(after / 2 ** 20, 0)} MiB)`, "< 20 KB");
  clients.forEach((c) => c.kill());
  await sleep(1500);
}

/**
 * Desktop apps waiting for an offer (Help on a device): each holds one connection that proved its device,
 * registered in the hub's device table. What each costs the broker, with TLS terminated in front.
 */
async function idleDevices(b: BrokerProcess) {
  console.log(`\n▶ ${DEVICES} idle desktop apps that proved their device (presence for offers), TLS terminated by a proxy in front`);
  const keys: { key: DeviceKey; token: string; sub: string }[] = [];
  for (let i = 0; i < DEVICES; i += 50) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(50, DEVICES - i) }, async (_, j) => {
        const sub = `device-owner-${i + j}`;
        const token = await b.issuer.mint({ sub, name: `Owner ${i + j}` });
        const key = await newDeviceKey();
        const client = await BrokerClient.signIn(b.wsUrl, token, { ca: b.ca });
        const { nonce } = await client.next("challenge");
        await client.request({ type: "device.register", name: `PC ${i + j}`, publicKey: key.publicKey, facts: { platform: "windows", osVersion: "10.0.26100", appVersion: "1.1.0" }, signature: key.prove(nonce, sub) }, "device.registered", 30_000);
        client.kill();
        return { key, token, sub };
      }),
    );
    keys.push(...batch);
  }
  await sleep(3000);
  const before = b.rssBytes();
  const t0 = performance.now();
  const apps: BrokerClient[] = [];
  for (let i = 0; i < keys.length; i += 200) {
    apps.push(...(await Promise.all(keys.slice(i, i + 200).map(async ({ key, token, sub }) => (await signInWithDevice(b.wsUrl, token, sub, key, { ca: b.ca })).client))));
  }
  const openSeconds = (performance.now() - t0) / 1000;
  await sleep(3000);
  const after = b.rssBytes();
  const alive = apps.filter((c) => c.socket.readyState === c.socket.OPEN).length;
  report("idle desktop apps connected with their device proved, TLS in front", `${alive} of ${DEVICES} in ${fmt(openSeconds)} s`, "10,000");
  report("broker RSS per idle device, TLS in front", `${fmt((after - before) / DEVICES / 1024)} KB (RSS ${fmt(before / 2 ** 20, 0)} → ${fmt(after / 2 ** 20, 0)} MiB)`, "< 10 KB");
  apps.forEach((c) => c.kill());
  await sleep(1500);
}

/** Setups per second on a fresh broker, one run. */
async function setupRun(b: BrokerProcess): Promise<{ rate: number; durations: number[]; seconds: number; cpuMsPerSetup: { broker: number; client: number } }> {
  const helpers = await signInMany(b, "setup-helper", SETUP_CONCURRENCY);
  const sharers = await signInMany(b, "setup-sharer", SETUP_CONCURRENCY);
  let next = 0;
  const durations: number[] = [];
  const worker = async (helper: BrokerClient, sharer: BrokerClient) => {
    while (next < SETUPS) {
      next++;
      const t = performance.now();
      const created = await helper.request({ type: "session.create" }, "session.created");
      const sessionId = created.session.sessionId;
      await sharer.request({ type: "session.join", code: created.code }, "session.joined");
      await helper.next("session.peer_joined");
      helper.send({ type: "session.request", sessionId, level: "view" });
      await sharer.next((m) => m.type === "session.state" && m.session.status === "requested");
      sharer.send({ type: "session.consent", sessionId, allow: true });
      await helper.next((m) => m.type === "session.state" && m.session.status === "active");
      helper.send({ type: "signal.offer", sessionId, sdp: OFFER });
      await sharer.next("signal.offer");
      sharer.send({ type: "signal.answer", sessionId, sdp: OFFER });
      await helper.next("signal.answer");
      durations.push(performance.now() - t);
      helper.send({ type: "session.end", sessionId });
      await Promise.all([helper, sharer].map((c) => c.next((m) => m.type === "session.state" && m.session.status === "ended")));
      for (const c of [helper, sharer]) c.clearPending(); // leftover state echoes of this session
    }
  };
  const t0 = performance.now();
  const [brokerCpu0, clientCpu0] = [b.cpuSeconds(), process.cpuUsage()];
  await Promise.all(helpers.map((h, i) => worker(h, sharers[i]!)));
  const seconds = (performance.now() - t0) / 1000;
  const clientCpu = process.cpuUsage(clientCpu0);
  const cpu = { broker: b.cpuSeconds() - brokerCpu0, client: (clientCpu.user + clientCpu.system) / 1e6 };
  console.log(`  ${fmt(durations.length / seconds, 0)} setups/s; CPU: broker ${fmt((cpu.broker / seconds) * 100, 0)}% of a core, load client ${fmt((cpu.client / seconds) * 100, 0)}%`);
  [...helpers, ...sharers].forEach((c) => c.kill());
  await sleep(1000);
  const perSetup = (cpuSeconds: number) => (cpuSeconds * 1000) / durations.length;
  return { rate: durations.length / seconds, durations, seconds, cpuMsPerSetup: { broker: perSetup(cpu.broker), client: perSetup(cpu.client) } };
}

/** Session setups, RUNS times on fresh brokers: the median run is reported, with every run's rate. */
async function sessionSetups(env: Record<string, string>) {
  const where = env.TANDEM_TLS === "off" ? "TLS terminated by a proxy in front" : "TLS in the broker";
  const target = env.TANDEM_TLS === "off" ? "≥ 2,000/s" : "≥ 1,500/s";
  console.log(`\n▶ ${SETUPS} full session setups, ${SETUP_CONCURRENCY} at a time, ${where} (create → join → request → consent → offer/answer relayed → end), ${RUNS} runs`);
  const runs: Awaited<ReturnType<typeof setupRun>>[] = [];
  for (let run = 0; run < RUNS; run++) {
    const broker = await startBrokerProcess(env, brokerNodeArgs());
    try {
      runs.push(await setupRun(broker));
    } finally {
      await broker.stop();
    }
  }
  const median = medianRun(runs, (r) => r.rate);
  report(`full session setups per second, ${where} (median of ${RUNS})`, `${fmt(median.rate, 0)} /s (runs: ${runs.map((r) => fmt(r.rate, 0)).join(", ")}; median run: one setup p50 ${fmt(percentile(median.durations, 50))} ms, p99 ${fmt(percentile(median.durations, 99))} ms)`, target);
  const { broker, client } = median.cpuMsPerSetup;
  report(`CPU per setup, ${where} (median run, user + system)`, `${fmt(broker + client, 2)} ms: broker ${fmt(broker, 2)} ms, load client ${fmt(client, 2)} ms; at most ${fmt(setupsCeiling(broker + client), 0)}/s on these ${os.cpus().length} cores`, "—");
}

async function activePairs(b: BrokerProcess, prefix: string, n: number) {
  const helpers = await signInMany(b, `${prefix}-helper`, n);
  const sharers = await signInMany(b, `${prefix}-sharer`, n);
  const pairs = await Promise.all(
    helpers.map(async (helper, i) => {
      const sharer = sharers[i]!;
      return { helper, sharer, sessionId: await openViewSession(helper, sharer) };
    }),
  );
  return pairs;
}

async function relayLatency(b: BrokerProcess) {
  console.log(`\n▶ relay latency: ${RELAY_PAIRS} active sessions, ${RELAY_RATE} ICE messages/s in total for ${RELAY_SECONDS} s`);
  const pairs = await activePairs(b, "relay", RELAY_PAIRS);
  const latencies: number[] = [];
  for (const { helper } of pairs) {
    helper.socket.on("message", (data: Buffer) => {
      const text = data.toString();
      const mark = text.indexOf("t=");
      if (text.includes('"signal.ice"') && mark > 0) latencies.push(performance.now() - Number.parseFloat(text.slice(mark + 2)));
    });
  }
  const perPairInterval = (1000 * RELAY_PAIRS) / RELAY_RATE;
  const timers = pairs.map(({ sharer, sessionId }, i) =>
    setTimeout(() => {
      const timer = setInterval(() => {
        sharer.send({ type: "signal.ice", sessionId, candidate: { candidate: `candidate:1 1 udp 2122260223 10.0.0.2 50000 typ host t=${performance.now()}`, sdpMid: "0", sdpMLineIndex: 0 } });
      }, perPairInterval);
      timers2.push(timer);
    }, (i * perPairInterval) / RELAY_PAIRS),
  );
  const timers2: NodeJS.Timeout[] = [];
  await sleep(RELAY_SECONDS * 1000);
  timers.forEach(clearTimeout);
  timers2.forEach(clearInterval);
  await sleep(300);
  report("relay latency under load", `p50 ${fmt(percentile(latencies, 50), 2)} ms, p99 ${fmt(percentile(latencies, 99), 2)} ms (${latencies.length} messages, ${fmt(latencies.length / RELAY_SECONDS, 0)}/s)`, "p99 < 10 ms at 1,000/s");
  pairs.forEach((p) => [p.helper, p.sharer].forEach((c) => c.kill()));
  await sleep(1000);
}

async function disconnectDetection(b: BrokerProcess) {
  console.log("\n▶ disconnect detection (time until the helper is told)");
  const closed = await activePairs(b, "close", 20);
  const closeTimes = await Promise.all(
    closed.map(async ({ helper, sharer }) => {
      const t = performance.now();
      sharer.kill();
      await helper.next("session.peer_presence");
      return performance.now() - t;
    }),
  );
  report("socket closed → helper told", `p50 ${fmt(percentile(closeTimes, 50), 2)} ms, max ${fmt(Math.max(...closeTimes), 2)} ms (20 sharers killed)`, "< 100 ms");
  const silent = await activePairs(b, "silent", 10);
  const silentTimes = await Promise.all(
    silent.map(async ({ helper, sharer }) => {
      const t = performance.now();
      sharer.stopHeartbeats();
      await helper.next("session.peer_presence", 10_000);
      return performance.now() - t;
    }),
  );
  report("silent connection → helper told", `p50 ${fmt(percentile(silentTimes, 50), 0)} ms, max ${fmt(Math.max(...silentTimes), 0)} ms (10 sharers stop heartbeats)`, "< 3 s");
  [...closed, ...silent].forEach((p) => [p.helper, p.sharer].forEach((c) => c.kill()));
}

const OFFER = `v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0 1\r\n${"a=candidate:842163049 1 udp 1677729535 198.51.100.7 50000 typ srflx\r\n".repeat(20)}`;

console.log(`Tandem broker benchmark — ${machineFacts()}`);
console.log(`command: npm run bench:broker -- --idle ${IDLE} --setups ${SETUPS} --concurrency ${SETUP_CONCURRENCY} --relay-pairs ${RELAY_PAIRS} --relay-rate ${RELAY_RATE} --relay-seconds ${RELAY_SECONDS}`);
const only = process.argv.includes("--only") ? process.argv[process.argv.indexOf("--only") + 1] : undefined;
const phases: [(b: BrokerProcess) => Promise<void>, Record<string, string>][] = [
  [idleConnections, {}],
  [idleConnections, { TANDEM_TLS: "off" }],
  [idleDevices, { TANDEM_TLS: "off" }],
  [relayLatency, {}],
  [disconnectDetection, {}],
];
// Setups start their own brokers (one per run).
for (const env of [{}, { TANDEM_TLS: "off" }] as Record<string, string>[]) if (!only || only === "sessionSetups") await sessionSetups(env);
for (const [phase, env] of phases.filter(([p]) => !only || p.name === only)) {
  const broker = await startBrokerProcess(env, brokerNodeArgs());
  try {
    await phase(broker);
  } finally {
    await broker.stop();
  }
}
const table = ["| figure | measured | target |", "|---|---|---|", ...results.map(([what, value, target]) => `| ${what} | ${value} | ${target} |`)].join("\n");
console.log(`\n${table}`);
if (!only) {
  const header = `# Broker benchmark\n\nMachine: ${machineFacts()}; the load client runs on the same cores.\nDate: ${new Date().toISOString()}\nCommand: \`npm run bench:broker\`\n\n`;
  fs.writeFileSync(new URL("./results.md", import.meta.url), `${header}${table}\n`);
}
