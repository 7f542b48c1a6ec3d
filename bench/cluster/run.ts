import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { BrokerClient } from "../../tools/broker-client.js";
import { startTestIssuer } from "../../tools/token-issuer.js";
import { findPostgresBin, startPostgres } from "../../tools/postgres-server.js";
import { startRedis } from "../../tools/redis-server.js";
import { type BrokerProcess, brokerNodeArgs, startBrokerProcess } from "../broker/broker-process.js";
import { fmt, machineFacts, medianRun, numberArg, percentile, setupsCeiling, sleep } from "../broker/stats.js";
import { cpuSeconds } from "../peers/process-cpu.js";

// `npm run bench:cluster [-- --setups 2000 --relay-seconds 8]`: one broker vs
// two brokers sharing PostgreSQL and Redis, on this machine. Both runs use
// PostgreSQL, so the only difference is the second broker and the routing
// through Redis. Prints numbers; passes or fails nothing.
const SETUPS = numberArg("setups", 2_000);
const CONCURRENCY = numberArg("concurrency", 32);
const RELAY_PAIRS = numberArg("relay-pairs", 50);
const RELAY_RATE = numberArg("relay-rate", 1_000);
const RELAY_SECONDS = numberArg("relay-seconds", 8);
const RUNS = numberArg("runs", 3);
const OFFER = `v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n${"a=candidate:842163049 1 udp 1677729535 198.51.100.7 50000 typ srflx\r\n".repeat(20)}`;

const rows: [string, string, string, string][] = [];
const report = (what: string, one: string, two: string, target: string) => {
  rows.push([what, one, two, target]);
  console.log(`  ${what}: one broker ${one} | two brokers ${two}   (target ${target})`);
};

const pgBin = findPostgresBin();
if (!pgBin) throw new Error("PostgreSQL is not installed (apt-get install postgresql)");
const [pg, redis, issuer] = await Promise.all([startPostgres(pgBin), startRedis(), startTestIssuer()]);
let n = 0;
// `BENCH_BROKER_NODE_ARGS` profiles the brokers (broker-process.ts); a SIGKILLed one writes nothing.
const nodeArgs = brokerNodeArgs();
async function cluster(size: number): Promise<BrokerProcess[]> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "tandem-cluster-"));
  const env = { TANDEM_TLS: "off", DATABASE_URL: pg.url, REDIS_URL: redis.url, TANDEM_REDIS_PREFIX: `bench${n++}`, TANDEM_GRACE_MS: "15000", TANDEM_MESSAGES_PER_SECOND: "1000", TANDEM_MESSAGE_BURST: "2000" };
  const first = await startBrokerProcess(env, nodeArgs, false, { dataDir, issuer }); // writes the shared secrets
  const rest = await Promise.all(Array.from({ length: size - 1 }, () => startBrokerProcess(env, nodeArgs, false, { dataDir, issuer })));
  return [first, ...rest];
}
const signIn = async (b: BrokerProcess, sub: string) => BrokerClient.signIn(b.wsUrl, await issuer.mint({ sub, name: sub }));

let stage = "";
async function activeSession(helper: BrokerClient, sharer: BrokerClient) {
  stage = "create";
  const created = await helper.request({ type: "session.create" }, "session.created");
  const sessionId = created.session.sessionId;
  stage = "join";
  const joined = await sharer.request({ type: "session.join", code: created.code }, "session.joined");
  stage = "peer_joined";
  await helper.next("session.peer_joined");
  helper.send({ type: "session.request", sessionId, level: "view" });
  stage = "requested";
  await sharer.next((m) => m.type === "session.state" && m.session.status === "requested");
  sharer.send({ type: "session.consent", sessionId, allow: true });
  stage = "active";
  await helper.next((m) => m.type === "session.state" && m.session.status === "active");
  return { sessionId, helperResume: created.resumeToken, sharerResume: joined.resumeToken };
}

/** CPU seconds used so far by everything a setup runs through: each broker, PostgreSQL's processes, Redis, this load client. */
function cpuNow(brokers: BrokerProcess[]) {
  const own = process.cpuUsage();
  return { brokers: cpuSeconds(brokers.map((b) => b.pid)), postgres: cpuSeconds([pg.pid()]), redis: cpuSeconds([redis.pid()]), client: (own.user + own.system) / 1e6 };
}
type Cpu = ReturnType<typeof cpuNow>;

/** Full setups with every helper on brokers[0] and every sharer on the last broker: the rate, each setup's time, and the CPU each took. */
async function setupsPerSecond(brokers: BrokerProcess[], tag: string): Promise<{ rate: number; durations: number[]; cpuMsPerSetup: Cpu }> {
  const helpers = await Promise.all(Array.from({ length: CONCURRENCY }, (_, i) => signIn(brokers[0]!, `${tag}-h${i}`)));
  const sharers = await Promise.all(Array.from({ length: CONCURRENCY }, (_, i) => signIn(brokers.at(-1)!, `${tag}-s${i}`)));
  let next = 0;
  const durations: number[] = [];
  const worker = async (helper: BrokerClient, sharer: BrokerClient) => {
    while (next++ < SETUPS) {
      const t = performance.now();
      const { sessionId } = await activeSession(helper, sharer).catch((e: Error) => {
        throw new Error(`setup ${next} (${helper.socket.readyState}/${sharer.socket.readyState}): ${e.message}; pending: ${stage}`);
      });
      helper.send({ type: "signal.offer", sessionId, sdp: OFFER });
      await sharer.next("signal.offer");
      sharer.send({ type: "signal.answer", sessionId, sdp: OFFER });
      await helper.next("signal.answer");
      durations.push(performance.now() - t);
      helper.send({ type: "session.end", sessionId });
      await Promise.all([helper, sharer].map((c) => c.next((m) => m.type === "session.state" && m.session.status === "ended")));
      for (const c of [helper, sharer]) c.clearPending();
    }
  };
  const cpu0 = cpuNow(brokers);
  const t0 = performance.now();
  await Promise.all(helpers.map((h, i) => worker(h, sharers[i]!)));
  const seconds = (performance.now() - t0) / 1000;
  const cpu1 = cpuNow(brokers);
  [...helpers, ...sharers].forEach((c) => c.kill());
  const perSetup = (k: keyof Cpu) => ((cpu1[k] - cpu0[k]) * 1000) / durations.length;
  return { rate: durations.length / seconds, durations, cpuMsPerSetup: { brokers: perSetup("brokers"), postgres: perSetup("postgres"), redis: perSetup("redis"), client: perSetup("client") } };
}

/** ICE messages from sharers to helpers at RELAY_RATE; returns the latencies (ms). */
async function relayLatencies(brokers: BrokerProcess[], tag: string): Promise<number[]> {
  const pairs = [];
  for (let i = 0; i < RELAY_PAIRS; i++) {
    const helper = await signIn(brokers[0]!, `${tag}-rh${i}`);
    const sharer = await signIn(brokers.at(-1)!, `${tag}-rs${i}`);
    pairs.push({ helper, sharer, ...(await activeSession(helper, sharer)) });
  }
  const latencies: number[] = [];
  for (const { helper } of pairs) {
    helper.socket.on("message", (data: Buffer) => {
      const text = data.toString();
      const mark = text.indexOf("t=");
      if (text.includes('"signal.ice"') && mark > 0) latencies.push(performance.now() - Number.parseFloat(text.slice(mark + 2)));
    });
  }
  const interval = (1000 * RELAY_PAIRS) / RELAY_RATE;
  const timers: NodeJS.Timeout[] = [];
  pairs.forEach(({ sharer, sessionId }, i) =>
    timers.push(setTimeout(() => timers.push(setInterval(() => sharer.send({ type: "signal.ice", sessionId, candidate: { candidate: `candidate:1 1 udp 2122260223 10.0.0.2 50000 typ host t=${performance.now()}`, sdpMid: "0", sdpMLineIndex: 0 } }), interval)), (i * interval) / RELAY_PAIRS)),
  );
  await sleep(RELAY_SECONDS * 1000);
  timers.forEach((t) => (clearTimeout(t), clearInterval(t)));
  await sleep(300);
  pairs.forEach((p) => [p.helper, p.sharer].forEach((c) => c.kill()));
  return latencies;
}

/** Helper on A, sharer on B; A is SIGKILLed; the helper reconnects to B and resumes. Time until both are back in the session. */
async function failover(brokers: BrokerProcess[]): Promise<number> {
  const [a, b] = brokers as [BrokerProcess, BrokerProcess];
  const helper = await signIn(a, "failover-helper");
  const sharer = await signIn(b, "failover-sharer");
  const { sessionId, helperResume } = await activeSession(helper, sharer);
  const closed = new Promise((resolve) => helper.socket.once("close", resolve));
  const t0 = performance.now();
  await a.kill();
  await closed;
  // The client's reconnect: to any broker behind the same address; here the survivor.
  let resumed: BrokerClient | null = null;
  while (!resumed) {
    try {
      const again = await signIn(b, "failover-helper");
      await again.request({ type: "session.resume", sessionId, resumeToken: helperResume }, "session.joined");
      resumed = again;
    } catch {
      await sleep(100);
    }
  }
  // Both resumed: the sharer hears the helper is back, and a message crosses.
  resumed.send({ type: "chat.send", sessionId, clientMsgId: "back", text: "back" });
  await sharer.next((m) => m.type === "chat.message" && m.message.text === "back", 5000);
  const ms = performance.now() - t0;
  resumed.kill();
  sharer.kill();
  return ms;
}

/** One run: each setting on fresh brokers (one PostgreSQL and Redis for all runs, each cluster its own Redis prefix). */
async function oneRun(run: number) {
  console.log(`▶ run ${run}: one broker (PostgreSQL + Redis configured, everyone on it)`);
  const one = await cluster(1);
  const setupsOne = await setupsPerSecond(one, `one${run}`);
  const relayOne = await relayLatencies(one, `one${run}`);
  await Promise.all(one.map((b) => b.stop()));
  console.log(`▶ run ${run}: two brokers (helpers on A, sharers on B: every event crosses Redis)`);
  const two = await cluster(2);
  const setupsTwo = await setupsPerSecond(two, `two${run}`);
  const relayTwo = await relayLatencies(two, `two${run}`);
  const failoverMs = await failover(two);
  await Promise.all(two.map((b) => b.stop()));
  console.log(`  setups/s ${fmt(setupsOne.rate, 0)} | ${fmt(setupsTwo.rate, 0)}; failover ${fmt(failoverMs, 0)} ms`);
  return { setupsOne, relayOne, setupsTwo, relayTwo, failoverMs };
}

const cpuText = (c: Cpu) => {
  const total = c.brokers + c.postgres + c.redis + c.client;
  return `${fmt(total, 2)} ms (brokers ${fmt(c.brokers, 2)}, PostgreSQL ${fmt(c.postgres, 2)}, Redis ${fmt(c.redis, 2)}, load client ${fmt(c.client, 2)}): at most ${fmt(setupsCeiling(total), 0)}/s on ${os.cpus().length} cores`;
};

try {
  const runs: Awaited<ReturnType<typeof oneRun>>[] = [];
  for (let run = 1; run <= RUNS; run++) runs.push(await oneRun(run));
  const setupCell = (pick: (r: (typeof runs)[number]) => { rate: number; durations: number[] }) => {
    const m = pick(medianRun(runs, (r) => pick(r).rate));
    return `${fmt(m.rate, 0)}/s (runs: ${runs.map((r) => fmt(pick(r).rate, 0)).join(", ")}; setup p50 ${fmt(percentile(m.durations, 50))} ms)`;
  };
  const relayCell = (latencies: number[]) => `${fmt(percentile(latencies, 50), 2)} / ${fmt(percentile(latencies, 99), 2)} ms`;
  const relayOne = medianRun(runs, (r) => percentile(r.relayOne, 50)).relayOne;
  const relayTwo = medianRun(runs, (r) => percentile(r.relayTwo, 50)).relayTwo;
  report(`full session setups per second (median of ${RUNS})`, setupCell((r) => r.setupsOne), setupCell((r) => r.setupsTwo), "two brokers ≥ 500/s");
  report("CPU per setup, median run (user + system, every process on the path)", cpuText(medianRun(runs, (r) => r.setupsOne.rate).setupsOne.cpuMsPerSetup), cpuText(medianRun(runs, (r) => r.setupsTwo.rate).setupsTwo.cpuMsPerSetup), "—");
  report(`relay latency p50 / p99 (run with the median p50)`, relayCell(relayOne), relayCell(relayTwo), "—");
  report("added by cross-broker routing, p50", "—", `${fmt(percentile(relayTwo, 50) - percentile(relayOne, 50), 2)} ms`, "≤ 2 ms");
  const failoverMs = medianRun(runs, (r) => r.failoverMs).failoverMs;
  report(`failover: broker killed → helper resumed on the other, chat crossing again (median of ${RUNS})`, "—", `${fmt(failoverMs, 0)} ms (runs: ${runs.map((r) => fmt(r.failoverMs, 0)).join(", ")})`, "≤ 5 s");
} finally {
  await issuer.close();
  redis.stop();
  pg.stop();
}

const machine = `${machineFacts()}, PostgreSQL ${path.basename(path.dirname(pgBin))}, the load client on the same cores`;
const table = ["| Measure | One broker | Two brokers | Target |", "|---|---|---|---|", ...rows.map((r) => `| ${r.join(" | ")} |`)].join("\n");
fs.writeFileSync(
  "bench/cluster/results.md",
  `# Cluster benchmark\n\nCommand: \`npm run bench:cluster -- --setups ${SETUPS} --concurrency ${CONCURRENCY} --relay-pairs ${RELAY_PAIRS} --relay-rate ${RELAY_RATE} --relay-seconds ${RELAY_SECONDS} --runs ${RUNS}\`. ${new Date().toISOString().slice(0, 10)}. Machine: ${machine}.\n\nBrokers are separate processes without TLS (a proxy would terminate it), on one PostgreSQL and one Redis started by the benchmark. With two brokers every helper is on A and every sharer on B, so every session event and signaling message crosses Redis. Failover: broker A is SIGKILLed mid-session; the helper reconnects to B and resumes with its resume token; measured until a chat message from the resumed helper reaches the sharer.\n\n${table}\n`,
);
console.log(`\n${table}\n\nwritten to bench/cluster/results.md`);
