import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { loadOrCreateLocalIssuer, type LocalIssuer } from "../../src/server/identity/local-issuer.js";

/** A real broker in its own process (so its memory is its own), on a fresh data folder. */
export interface BrokerProcess {
  wsUrl: string;
  ca: string;
  issuer: LocalIssuer;
  pid: number;
  rssBytes(): number;
  stop(): Promise<void>;
}

export async function startBrokerProcess(env: Record<string, string> = {}, nodeArgs: string[] = []): Promise<BrokerProcess> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "tandem-bench-"));
  const port = 20000 + Math.floor(Math.random() * 20000);
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, "--import", "tsx", "src/server/main.ts"], {
    env: { ...process.env, TANDEM_DATA_DIR: dataDir, TANDEM_PORT: String(port), TANDEM_LOG_LEVEL: "warn", ...env },
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
  child.stdout!.resume();
  const issuer = await loadOrCreateLocalIssuer(dataDir, "urn:tandem:local-issuer");
  return {
    wsUrl: `wss://localhost:${port}/ws`,
    ca: fs.readFileSync(path.join(dataDir, "tls", "ca.crt"), "utf8"),
    issuer,
    pid: child.pid!,
    rssBytes() {
      const status = fs.readFileSync(`/proc/${child.pid}/status`, "utf8");
      return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) * 1024;
    },
    async stop() {
      child.kill("SIGTERM");
      await new Promise((resolve) => child.once("exit", resolve));
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
