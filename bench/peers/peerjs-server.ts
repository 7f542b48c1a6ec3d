import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import { freePort } from "../../src/server/http/free-port.js";

/** The PeerJS signaling server (npm `peer`) in its own process, so its memory is its own; started and stopped by PID. */
export interface PeerJsServer {
  url: (id: string) => string;
  pid: number;
  version: string;
  rssBytes(): number;
  stop(): Promise<void>;
}

export async function startPeerJsServer(): Promise<PeerJsServer> {
  const port = await freePort("127.0.0.1");
  // As deployed by its README, with the connection cap (5,000 by default) raised so 5k clients fit, and a long liveness timeout (idle clients still heartbeat).
  const script = `process.on("SIGTERM", () => process.exit(0)); const { PeerServer } = require("peer"); PeerServer({ host: "127.0.0.1", port: ${port}, path: "/", concurrent_limit: 100000, alive_timeout: 600000 }, () => console.log("peerjs listening"));`;
  // BENCH_PEER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles it (SIGTERM exits normally so the profile is written).
  const child: ChildProcess = spawn(process.execPath, [...(process.env.BENCH_PEER_NODE_ARGS?.split(" ").filter(Boolean) ?? []), "-e", script], { stdio: ["ignore", "pipe", "inherit"] });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on("data", (chunk: Buffer) => chunk.toString().includes("peerjs listening") && resolve());
    child.once("exit", (code) => reject(new Error(`peerjs exited with ${code}`)));
  });
  const version = peerJsPackageVersion();
  return {
    url: (id) => `ws://127.0.0.1:${port}/peerjs?key=peerjs&id=${encodeURIComponent(id)}&token=${id}t`,
    pid: child.pid!,
    version,
    rssBytes: () => Number(/VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${child.pid}/status`, "utf8"))![1]) * 1024,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    },
  };
}

export function peerJsPackageVersion(): string {
  return (JSON.parse(fs.readFileSync("node_modules/peer/package.json", "utf8")) as { version: string }).version;
}
