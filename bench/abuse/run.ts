import { spawn } from "node:child_process";
import fs from "node:fs";
import { performance } from "node:perf_hooks";
import { signInAsDesktop } from "../../tools/desktop-sign-in.js";
import { BrokerClient } from "../../tools/broker-client.js";
import { startBrokerProcess } from "../broker/broker-process.js";
import { fmt, machineFacts, markdownTable, medianRun, numberArg, percentile, sleep } from "../broker/stats.js";
import type { FloodKind, FloodPlan } from "./flood.js";

// `npm run bench:abuse`: a bystander (sign-in, hello, chat round trip) on a
// real broker process while each flood runs in a process of its own. The
// bystander connects from 127.0.0.2, the floods from 127.0.0.1: per-address
// limits lock the flooder, not a different address. Broker RSS before, at
// the peak, and `--settle` seconds after each flood.
const FLOOD_SECONDS = numberArg("seconds", 20);
const SETTLE_SECONDS = numberArg("settle", 60);
const RUNS = numberArg("runs", 3);
const BYSTANDER = "127.0.0.2";
// `--only junk,message-flood`: just those floods (results.md is then not written).
const ONLY = process.argv.includes("--only") ? process.argv[process.argv.indexOf("--only") + 1]!.split(",") : null;
const TARGETS = { helloP99Ms: 500, chatP99Ms: 250, rssGrowthMb: 200, settleWithin: 0.1 };
const FLOODS: [FloodKind, string][] = [
  ["junk", "unauthenticated junk: 20 sockets sending random binary frames without hello, 10 loops of API calls with made-up bearer tokens"],
  ["message-flood", "signed-in message flood: 20 connections sending heartbeats as fast as their sockets drain (closed ones reconnect)"],
  ["history-hoarding", "non-reading history requests: a session with 150 chat messages of 12 KB; 10 connections of its helper asking for 64 KiB history pages 10×/s and never reading (closed ones reconnect)"],
  ["sign-in-page", "sign-in page flood: 10 loops of wrong passwords on real login pages, 10 loops of posts to made-up interactions"],
  ["code-guessing", "code guessing: 50 connections of 2 people sending random codes"],
];

console.log(`Tandem abuse benchmark — ${machineFacts()}; command: npm run bench:abuse -- --seconds ${FLOOD_SECONDS} --settle ${SETTLE_SECONDS} --runs ${RUNS}`);
// BENCH_BROKER_ENV / BENCH_BROKER_NODE_ARGS (JSON): try the broker with another allocator, V8 flags, a memory log.
const broker = await startBrokerProcess(
  process.env.BENCH_BROKER_ENV ? (JSON.parse(process.env.BENCH_BROKER_ENV) as Record<string, string>) : {},
  process.env.BENCH_BROKER_NODE_ARGS ? (JSON.parse(process.env.BENCH_BROKER_NODE_ARGS) as string[]) : [],
  true,
);
const issuer = `${broker.origin}/idp`;
const token = async (username: string, password: string, localAddress?: string) => (await signInAsDesktop({ issuer, ca: broker.ca, username, password, localAddress })).accessToken;

interface Measured {
  signIn: number[];
  hello: number[];
  chat: number[];
  drops: number;
  peakRss: number;
}

/** The bystander: a live session chatting every 100 ms, a fresh hello every 250 ms, a sign-in every 2 s — all from 127.0.0.2. */
async function bystander(ms: number, helperToken: string, sharerToken: string): Promise<Measured> {
  const m: Measured = { signIn: [], hello: [], chat: [], drops: 0, peakRss: broker.rssBytes() };
  const from = { ca: broker.ca, localAddress: BYSTANDER };
  const helper = await BrokerClient.signIn(broker.wsUrl, helperToken, from);
  const sharer = await BrokerClient.signIn(broker.wsUrl, sharerToken, from);
  const created = await helper.request({ type: "session.create" }, "session.created");
  await sharer.request({ type: "session.join", code: created.code }, "session.joined");
  const sessionId = created.session.sessionId;
  let ended = false;
  for (const c of [helper, sharer]) void c.closed.then(() => !ended && m.drops++);
  const until = Date.now() + ms;
  const loop = async (everyMs: number, body: () => Promise<void>) => {
    while (Date.now() < until) {
      const started = performance.now();
      await body().catch(() => m.drops++);
      await sleep(Math.max(0, everyMs - (performance.now() - started)));
    }
  };
  let n = 0;
  await Promise.all([
    loop(100, async () => {
      const clientMsgId = `b${n++}`;
      const t = performance.now();
      helper.send({ type: "chat.send", sessionId, clientMsgId, text: `ping ${clientMsgId}` });
      await sharer.next((msg) => msg.type === "chat.message" && msg.message.text === `ping ${clientMsgId}`, 10_000);
      m.chat.push(performance.now() - t);
    }),
    loop(250, async () => {
      const t = performance.now();
      const client = await BrokerClient.signIn(broker.wsUrl, helperToken, from);
      m.hello.push(performance.now() - t);
      client.kill();
    }),
    loop(2000, async () => {
      const t = performance.now();
      await token("lea@northwind.test", "demo-sharer-2", BYSTANDER);
      m.signIn.push(performance.now() - t);
    }),
    loop(500, async () => void (m.peakRss = Math.max(m.peakRss, broker.rssBytes()))),
  ]);
  ended = true;
  helper.send({ type: "session.end", sessionId });
  helper.kill();
  sharer.kill();
  return m;
}

function runFlood(kind: FloodKind, tokens: string[]): Promise<Record<string, number>> {
  const plan: FloodPlan = { kind, origin: broker.origin, wsUrl: broker.wsUrl, ca: broker.ca!, durationMs: FLOOD_SECONDS * 1000, tokens };
  const child = spawn(process.execPath, ["--import", "tsx", "bench/abuse/flood.ts", JSON.stringify(plan)], { stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  child.stdout.on("data", (c: Buffer) => (out += c.toString()));
  return new Promise((resolve, reject) => child.once("exit", (code) => (code === 0 ? resolve(JSON.parse(out.trim().split("\n").at(-1)!) as Record<string, number>) : reject(new Error(`flood ${kind} exited ${code}`)))));
}

const mb = (bytes: number) => bytes / 2 ** 20;
const rows: string[][] = [];
const details: string[] = [];
let failures = 0;
try {
  // Tokens first: the sign-in flood locks 127.0.0.1 for a while.
  const helperToken = await token("hugo@northwind.test", "demo-helper-1");
  const sharerToken = await token("sam@northwind.test", "demo-sharer-1");
  const floodTokens = { helper: await token("ravi@fabrikam.test", "demo-helper-2"), sharers: [await token("yuki@fabrikam.test", "demo-sharer-3"), await token("omar@fabrikam.test", "demo-sharer-4")] };

  const row = (name: string, m: Measured, rssBefore: number, rssAfter: number | null, flood: string) => {
    const helloP99 = percentile(m.hello, 99);
    const chatP99 = percentile(m.chat, 99);
    const growth = mb(m.peakRss - rssBefore);
    const settled = rssAfter === null ? null : rssAfter <= rssBefore * (1 + TARGETS.settleWithin);
    const ok = helloP99 < TARGETS.helloP99Ms && chatP99 < TARGETS.chatP99Ms && m.drops === 0 && growth < TARGETS.rssGrowthMb && settled !== false;
    if (!ok) failures++;
    rows.push([
      name,
      `${fmt(percentile(m.hello, 50))} / ${fmt(helloP99)} (n=${m.hello.length})`,
      `${fmt(percentile(m.chat, 50))} / ${fmt(chatP99)} (n=${m.chat.length})`,
      `${fmt(percentile(m.signIn, 50))} / ${fmt(percentile(m.signIn, 99))} (n=${m.signIn.length})`,
      String(m.drops),
      `${fmt(mb(rssBefore), 0)} → ${fmt(mb(m.peakRss), 0)} (+${fmt(growth, 0)})`,
      rssAfter === null ? "—" : `${fmt(mb(rssAfter), 0)} (${settled ? "within" : "NOT within"} 10%)`,
      ok ? "yes" : "NO",
    ]);
    if (flood) details.push(`- **${name}**: ${flood}`);
    console.log(`  ${name}: hello p99 ${fmt(helloP99)} ms, chat p99 ${fmt(chatP99)} ms, drops ${m.drops}, RSS +${fmt(growth, 0)} MB${rssAfter === null ? "" : `, after ${SETTLE_SECONDS} s ${fmt(mb(rssAfter), 0)} MB`}`);
  };

  const quietBefore = broker.rssBytes();
  row("no flood (baseline)", await bystander(Math.min(10, FLOOD_SECONDS) * 1000, helperToken, sharerToken), quietBefore, null, "");
  for (const [kind, what] of FLOODS.filter(([kind]) => !ONLY || ONLY.includes(kind))) {
    // RUNS floods of this kind one after another: the row is the run with the median bystander hello p99.
    const runs: { measured: Measured; before: number; after: number; tally: Record<string, number> }[] = [];
    for (let run = 0; run < RUNS; run++) {
      const before = broker.rssBytes();
      const tokens = kind === "history-hoarding" ? [floodTokens.helper, floodTokens.sharers[0]!] : floodTokens.sharers;
      const [measured, tally] = await Promise.all([bystander(FLOOD_SECONDS * 1000, helperToken, sharerToken), runFlood(kind, tokens)]);
      if (broker.rssBytes() === 0) throw new Error("broker gone");
      await sleep(SETTLE_SECONDS * 1000);
      runs.push({ measured, before, after: broker.rssBytes(), tally });
    }
    const m = medianRun(runs, (r) => percentile(r.measured.hello, 99));
    const each = runs.map((r) => `${fmt(percentile(r.measured.hello, 99))} / ${fmt(percentile(r.measured.chat, 99))} ms, +${fmt(mb(r.measured.peakRss - r.before), 0)} MB, ${r.measured.drops} drops`).join("; ");
    row(kind, m.measured, m.before, m.after, `${what}. The flood got (median run): ${Object.entries(m.tally).map(([k, v]) => `${k} × ${v}`).join(", ")}. Runs (hello p99 / chat p99, RSS growth, drops): ${each}`);
  }
} finally {
  const alive = (() => {
    try {
      return broker.rssBytes() > 0;
    } catch {
      return false;
    }
  })();
  await broker.stop();
  const table = markdownTable(["flood", "bystander hello p50 / p99 (ms)", "chat round trip p50 / p99 (ms)", "desktop sign-in p50 / p99 (ms)", "bystander drops", "broker RSS before → peak (MB)", `RSS ${SETTLE_SECONDS} s after`, "targets met"], rows);
  const doc = [
    "# Abuse benchmark",
    "",
    `\`npm run bench:abuse -- --seconds ${FLOOD_SECONDS} --settle ${SETTLE_SECONDS} --runs ${RUNS}\` on ${machineFacts()}, ${new Date().toISOString().slice(0, 10)}. Each flood ${RUNS} times; its row is the run with the median bystander hello p99, every run listed below the table.`,
    "",
    `Targets: bystander hello p99 < ${TARGETS.helloP99Ms} ms and chat round trip p99 < ${TARGETS.chatP99Ms} ms during every flood, no bystander session dropped, broker RSS growth < ${TARGETS.rssGrowthMb} MB per flood and back within 10% ${SETTLE_SECONDS} s after, 0 crashes. The broker (embedded IdP, SQLite, TLS) runs in its own process; each flood in another; the bystander in the benchmark's process, from 127.0.0.2.`,
    "",
    table,
    "",
    `Broker crashed: ${alive ? "no" : "YES"}.`,
    "",
    ...details,
    "",
  ].join("\n");
  if (!ONLY) fs.writeFileSync("bench/abuse/results.md", doc);
  console.log(`\n${table}\n\n${failures === 0 && alive ? "every target met" : `${failures} row(s) missed a target`}; written to bench/abuse/results.md`);
}
