import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { freePort } from "../src/server/http/free-port.js";

/**
 * A throwaway PostgreSQL cluster for the test run, on 127.0.0.1 and a free
 * port, from the Debian packages (`postgresql`). initdb refuses to run as root,
 * so as root it runs as the `postgres` user.
 */
export interface PostgresServer {
  url: string;
  /** The postmaster's process; the backends are its children (for counting their CPU time). */
  pid(): number;
  stop(): void;
  /** Stops the server (fast shutdown: connections are cut) and waits until it is down. */
  halt(): void;
  /** Starts it again on the same port and data. */
  resume(): void;
}

export function findPostgresBin(): string | null {
  const root = "/usr/lib/postgresql";
  if (!fs.existsSync(root)) return null;
  const versions = fs.readdirSync(root).filter((v) => fs.existsSync(path.join(root, v, "bin", "initdb"))).sort((a, b) => Number(b) - Number(a));
  return versions[0] ? path.join(root, versions[0], "bin") : null;
}

export async function startPostgres(bin: string): Promise<PostgresServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tandem-pg-"));
  const asRoot = process.getuid?.() === 0;
  if (asRoot) execFileSync("chown", ["postgres", dir]);
  const run = (tool: string, args: string[]) => {
    const [cmd, argv] = asRoot ? ["runuser", ["-u", "postgres", "--", path.join(bin, tool), ...args]] : [path.join(bin, tool), args];
    const result = spawnSync(cmd, argv, { encoding: "utf8" });
    if (result.status !== 0) throw new Error(`${tool} failed: ${result.stderr || result.error}`);
  };
  const port = await freePort("127.0.0.1");
  run("initdb", ["-D", path.join(dir, "data"), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync"]);
  const start = () => run("pg_ctl", ["-D", path.join(dir, "data"), "-l", path.join(dir, "pg.log"), "-w", "-o", `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir} -c fsync=off -c max_connections=200`, "start"]);
  start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    pid: () => Number(fs.readFileSync(path.join(dir, "data", "postmaster.pid"), "utf8").split("\n")[0]),
    halt: () => run("pg_ctl", ["-D", path.join(dir, "data"), "-m", "fast", "-w", "stop"]),
    resume: start,
    stop() {
      try {
        run("pg_ctl", ["-D", path.join(dir, "data"), "-m", "immediate", "-w", "stop"]);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
