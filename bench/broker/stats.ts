import os from "node:os";
/** Percentile by nearest rank over a copy of the samples. */
export function percentile(samples: number[], p: number): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : "n/a");

/** `--name N` from the command line, or the fallback. */
export const numberArg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A markdown table: a header row, then one row per entry. */
export const markdownTable = (header: string[], rows: string[][]) => [`| ${header.join(" | ")} |`, `|${header.map(() => "---").join("|")}|`, ...rows.map((r) => `| ${r.join(" | ")} |`)].join("\n");

/** The machine a benchmark ran on: cores, memory, kernel, Node. */
export function machineFacts(): string {
  return `${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.type()} ${os.release()}, Node ${process.version}`;
}

/** The machine a browser benchmark ran on: the machine, and Chromium. */
export async function browserMachineFacts(): Promise<string> {
  const { spawnSync } = await import("node:child_process");
  return `${machineFacts()}, ${spawnSync("/usr/bin/chromium", ["--version"]).stdout?.toString().trim() ?? "Chromium ?"}`;
}

/** The most setups a second this machine's cores could run if each took `cpuMsPerSetup` of CPU in all (user + system, every process on its path). */
export const setupsCeiling = (cpuMsPerSetup: number) => (os.cpus().length * 1000) / cpuMsPerSetup;

/** Of several runs, the one whose figure is the median (the results are the median of 3 runs, not the last or the best). */
export const medianRun = <T>(runs: T[], by: (run: T) => number): T => [...runs].sort((a, b) => by(a) - by(b))[Math.floor(runs.length / 2)]!;
