import http from "node:http";
import { build } from "esbuild";
import { randomUUID } from "node:crypto";
import type { Page } from "playwright-core";
import { launchHelperBrowser } from "../../tools/chromium.js";
import { browserMachineFacts, fmt, markdownTable, numberArg, percentile } from "../broker/stats.js";

// `npm run bench:hand-over [-- --megabytes 200 --runs 3 --samples 400]`: the
// product's file transfer (src/web-client/file-transfer.ts) and its data
// channels (peer-link.ts) between two Chromium browsers on loopback. Files:
// time from the first byte handed to the channel until the receiver has it
// all and its SHA-256 checked; the median of `runs`. Pointing: a laser point on
// the `annotate` channel, applied and drawn on a 1080p canvas by the receiver,
// against a pointer move (`pointer`) and a click (`input`), each half a round
// trip, interleaved. Prints numbers; passes or fails nothing.
const MEGABYTES = numberArg("megabytes", 200);
const RUNS = numberArg("runs", 3);
const SAMPLES = numberArg("samples", 400);

if (process.env.TANDEM_NETNS !== "1") {
  console.error("Run through `npm run bench:hand-over` (it enters a private network namespace; Chromium gathers no ICE candidates on loopback alone).");
  process.exit(2);
}

const script = (await build({ entryPoints: ["bench/hand-over/page.ts"], bundle: true, format: "esm", platform: "browser", write: false, logLevel: "silent" })).outputFiles[0]!.text;
// A page on 127.0.0.1: a secure context (WebCrypto), nothing else on it.
const server = http.createServer((req, res) => {
  if (req.url === "/page.js") return void res.writeHead(200, { "content-type": "text/javascript" }).end(script);
  res.writeHead(200, { "content-type": "text/html" }).end('<!doctype html><script type="module" src="/page.js"></script>');
});
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
const origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`;

// Two browsers, as a helper's and a sharer's.
const [one, two] = await Promise.all([launchHelperBrowser(), launchHelperBrowser()]);
const pageIn = async (browser: typeof one) => {
  const page = await (await browser.newContext()).newPage();
  await page.goto(origin);
  await page.waitForFunction(() => "bench" in window);
  return page;
};
const [sender, receiver] = await Promise.all([pageIn(one), pageIn(two)]);
type Bench = { bench: Record<string, (...args: never[]) => Promise<unknown> | unknown> };
const call = <T>(page: Page, fn: string, ...args: unknown[]) => page.evaluate(([f, a]) => ((window as unknown as Bench).bench[f as string] as (...x: unknown[]) => unknown)(...(a as unknown[])), [fn, args] as const) as Promise<T>;

try {
  const offer = await call<string>(sender, "offer");
  const answer = await call<string>(receiver, "answer", offer);
  await call(sender, "accept", answer);
  for (let i = 0; i < 50 && !(await call<boolean>(sender, "ready")); i++) {
    await call(receiver, "addCandidates", await call(sender, "candidates"));
    await call(sender, "addCandidates", await call(receiver, "candidates"));
    await new Promise((r) => setTimeout(r, 100));
  }
  if (!(await call<boolean>(sender, "ready"))) throw new Error("the data channels did not open");

  console.log(`\nFiles: ${MEGABYTES} MB, ${RUNS} runs`);
  const file = await call<{ size: number; sha256: string; hashMs: number }>(sender, "makeFile", MEGABYTES);
  const runs: { mbps: number; sendMs: number; totalMs: number }[] = [];
  for (let run = 1; run <= RUNS; run++) {
    await call(receiver, "expect", { size: file.size, sha256: file.sha256 });
    const started = Date.now();
    const sendMs = await call<number>(sender, "send", randomUUID());
    const received = await call<{ ms: number; ok: boolean }>(receiver, "received");
    const totalMs = Date.now() - started;
    if (!received.ok) throw new Error("the file arrived with another hash");
    runs.push({ mbps: MEGABYTES / (totalMs / 1000), sendMs, totalMs });
    console.log(`  run ${run}: ${fmt(MEGABYTES / (totalMs / 1000))} MB/s (${totalMs} ms, hash checked at arrival; the sender heard from the receiver that it arrived whole after ${fmt(sendMs, 0)} ms)`);
  }
  const median = [...runs].sort((a, b) => a.mbps - b.mbps)[Math.floor(runs.length / 2)]!;
  // The ceiling here: the same bytes on plain channels (one, and four at once), no file code at all; median of the runs too.
  const raw = async (count: number) => {
    const rates: number[] = [];
    for (let run = 0; run < RUNS; run++) rates.push(MEGABYTES / ((await call<number>(sender, "rawChannels", count, MEGABYTES)) / 1000));
    return rates.sort((a, b) => a - b)[Math.floor(rates.length / 2)]!;
  };
  const [rawOne, rawFour] = [await raw(1), await raw(4)];
  console.log(`  plain channels, no file code: one ${fmt(rawOne)} MB/s, four at once ${fmt(rawFour)} MB/s`);

  console.log(`\nPointing: ${SAMPLES} samples per channel, interleaved`);
  const samples: Record<"annotate" | "pointer" | "input", number[]> = { annotate: [], pointer: [], input: [] };
  for (let i = 0; i < SAMPLES; i++) for (const channel of ["annotate", "pointer", "input"] as const) samples[channel].push(await call<number>(sender, "oneWay", channel));
  const row = (name: string, s: number[]) => [name, fmt(percentile(s, 50), 2), fmt(percentile(s, 99), 2)];
  const gap = percentile(samples.annotate, 50) - percentile(samples.pointer, 50);

  const machine = await browserMachineFacts();
  console.log(`\n${machine}\n`);
  console.log(markdownTable(["File transfer", "value", "target"], [
    [`${MEGABYTES} MB between two browsers (median of ${RUNS}, hash checked)`, `${fmt(median.mbps)} MB/s`, "≥ 50 MB/s"],
    [`the same bytes on one plain channel, no file code (the ceiling here)`, `${fmt(rawOne)} MB/s`, "—"],
    [`the same bytes on four plain channels at once`, `${fmt(rawFour)} MB/s`, "—"],
    ["SHA-256 of the file before the offer (sender)", `${fmt(file.hashMs, 0)} ms`, "—"],
  ]));
  console.log();
  console.log(markdownTable(["One way, helper → sharer", "p50 ms", "p99 ms"], [row("laser point (annotate, drawn)", samples.annotate), row("pointer move (pointer)", samples.pointer), row("click (input)", samples.input)]));
  console.log(`\nlaser p50 − pointer move p50: ${fmt(gap, 2)} ms (target: within 5 ms)`);
} finally {
  await one.close();
  await two.close();
  server.close();
}
