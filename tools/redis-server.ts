import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { freePort } from "../src/server/http/free-port.js";
import { startDaemon } from "./daemon.js";

/** A throwaway Redis for the test run (Debian's `redis-server`), on 127.0.0.1 and a free port, nothing persisted. */
export function redisInstalled(): boolean {
  return !spawnSync("redis-server", ["--version"], { stdio: "ignore" }).error;
}

export interface RedisServer {
  url: string;
  /** The server's process (for counting its CPU time). */
  pid(): number;
  stop(): void;
  /** Stops the server (as a crash would: everything in memory is gone) and waits until it is down. */
  halt(): Promise<void>;
  /** Starts it again on the same port, empty. */
  resume(): Promise<void>;
}

export async function startRedis(): Promise<RedisServer> {
  const port = await freePort("127.0.0.1");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tandem-redis-"));
  const launch = () => startDaemon("redis", "redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir], "Ready to accept connections");
  let child = await launch();
  return {
    url: `redis://127.0.0.1:${port}`,
    pid: () => child.pid!,
    stop() {
      child.kill("SIGTERM");
      fs.rmSync(dir, { recursive: true, force: true });
    },
    async halt() {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGKILL");
      await exited;
    },
    async resume() {
      child = await launch();
    },
  };
}
