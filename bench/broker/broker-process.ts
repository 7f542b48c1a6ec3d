import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { freePort } from "../../src/server/http/free-port.js";
import { startTestIssuer, type TestIssuer } from "../../tools/token-issuer.js";

/** A real broker in its own process (so its memory is its own), on a fresh data folder. */
export interface BrokerProcess {
  origin: string;
  wsUrl: string;
  /** The local CA to trust, or undefined when the broker runs without TLS. */
  ca: string | undefined;
  /** The benchmark's own token issuer, which the broker trusts (minting 10,000 tokens through the IdP's login page would measure the IdP). */
  issuer: TestIssuer;
  pid: number;
  rssBytes(): number;
  /** CPU seconds (user + system) the broker process has used so far. */
  cpuSeconds(): number;
  stop(): Promise<void>;
  /** SIGKILL: the broker dies without a word to anyone. */
  kill(): Promise<void>;
}

/** `BENCH_BROKER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof"`: Node flags for the brokers a benchmark starts (to profile them). */
export const brokerNodeArgs = (): string[] => process.env.BENCH_BROKER_NODE_ARGS?.split(" ").filter(Boolean) ?? [];

/** Brokers of one cluster share the data folder's secrets and trust the same issuer. */
export interface SharedBrokerSetup {
  dataDir: string;
  issuer: TestIssuer;
}

/** With `embeddedIdp`, the broker signs people in itself (as `npm start`); otherwise it trusts the benchmark's issuer. */
export async function startBrokerProcess(env: Record<string, string> = {}, nodeArgs: string[] = [], embeddedIdp = false, shared?: SharedBrokerSetup): Promise<BrokerProcess> {
  const dataDir = shared?.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), "tandem-bench-"));
  const port = await freePort("127.0.0.1");
  const issuer = shared?.issuer ?? (await startTestIssuer());
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, "--import", "tsx", "src/server/main.ts"], {
    env: {
      ...process.env,
      TANDEM_DATA_DIR: dataDir,
      TANDEM_PORT: String(port),
      TANDEM_LOG_LEVEL: "warn",
      ...(embeddedIdp ? {} : { TANDEM_JWKS_URL: issuer.jwksUrl, TANDEM_JWT_ISSUER: issuer.issuer, TANDEM_JWT_AUDIENCE: issuer.audience }),
      TANDEM_DEFAULT_TENANT_SETTINGS: JSON.stringify({ allowUnenrolledDevices: true }),
      // Every load client here comes from 127.0.0.1, where sharers come from many addresses: 64 joins in flight at
      // once would otherwise be 64 attempts of one address (counted before the code is looked at).
      TANDEM_CODE_FAILURES_PER_ADDRESS: "100000",
      ...env,
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  await new Promise<void>((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes("Tandem broker listening")) resolve();
    });
    child.once("exit", (code) => reject(new Error(`broker exited with ${code}`)));
  });
  // BENCH_BROKER_STDOUT=file keeps what the broker prints (e.g. with BENCH_BROKER_NODE_ARGS=--trace-gc).
  if (process.env.BENCH_BROKER_STDOUT) child.stdout!.pipe(fs.createWriteStream(process.env.BENCH_BROKER_STDOUT));
  else child.stdout!.resume();
  return {
    origin: env.TANDEM_TLS === "off" ? `http://localhost:${port}` : `https://localhost:${port}`,
    wsUrl: env.TANDEM_TLS === "off" ? `ws://127.0.0.1:${port}/ws` : `wss://localhost:${port}/ws`,
    ca: env.TANDEM_TLS === "off" ? undefined : fs.readFileSync(path.join(dataDir, "tls", "ca.crt"), "utf8"),
    issuer,
    pid: child.pid!,
    rssBytes() {
      const status = fs.readFileSync(`/proc/${child.pid}/status`, "utf8");
      return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) * 1024;
    },
    cpuSeconds() {
      const fields = fs.readFileSync(`/proc/${child.pid}/stat`, "utf8").split(") ")[1]!.split(" ");
      return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in clock ticks of 10 ms
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        await new Promise((resolve) => child.once("exit", resolve));
      }
      if (shared) return; // the cluster's owner cleans up what its brokers share
      await issuer.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
    async kill() {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGKILL");
      await exited;
    },
  };
}
