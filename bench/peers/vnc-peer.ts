import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import { freePort } from "../../src/server/http/free-port.js";

/**
 * The classic open-source browser remote desktop, as Debian ships it: x11vnc
 * serving the X display, websockify bridging it to WebSockets and serving
 * noVNC's pages. Started and stopped by PID; default settings except what a
 * benchmark on one machine needs (loopback only, no password, stay up).
 */
export const VNC_PACKAGES = ["x11vnc", "novnc", "websockify"] as const;
const NOVNC_WEB = "/usr/share/novnc";

export interface VncPeer {
  /** noVNC's lite client, connecting at once and scaling the remote screen to the page. */
  clientUrl: string;
  /** x11vnc's and websockify's process ids (the sharer side of this system). */
  pids: { x11vnc: number; websockify: number };
  versions: string;
  stop(): Promise<void>;
}

/**
 * Whether the Debian packages are there; with `install`, installs the missing
 * ones first when allowed to (root with apt; outside the benchmark's network
 * namespace, which reaches no mirror). Otherwise says what is missing.
 */
export function ensureVncPackages(o: { install: boolean }): { ok: true } | { ok: false; why: string } {
  const missing = () => VNC_PACKAGES.filter((p) => !installedVersion(p));
  if (o.install && missing().length > 0 && process.getuid?.() === 0 && !spawnSync("apt-get", ["--version"], { stdio: "ignore" }).error) {
    console.log(`▶ installing ${missing().join(", ")} (apt-get)`);
    const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
    const install = () => spawnSync("apt-get", ["install", "-y", "-qq", ...missing()], { stdio: "inherit", env }).status === 0;
    if (!install()) {
      spawnSync("apt-get", ["update", "-qq"], { stdio: "inherit", env }); // a fresh machine has no package lists yet
      install();
    }
  }
  const still = missing();
  if (still.length > 0) return { ok: false, why: `not measured: Debian packages ${still.join(", ")} missing (apt-get install ${still.join(" ")})` };
  if (!fs.existsSync(`${NOVNC_WEB}/vnc_lite.html`)) return { ok: false, why: `not measured: ${NOVNC_WEB}/vnc_lite.html missing` };
  return { ok: true };
}

export async function startVncPeer(display: string): Promise<VncPeer> {
  const rfbPort = await freePort("127.0.0.1");
  const webPort = await freePort("127.0.0.1");
  const children: ChildProcess[] = [];
  const stop = async () => {
    for (const child of children.reverse()) {
      if (child.exitCode !== null || child.signalCode !== null) continue;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    }
  };
  try {
    const x11vnc = spawn("x11vnc", ["-display", display, "-rfbport", String(rfbPort), "-localhost", "-nopw", "-forever", "-shared", "-nolookup", "-quiet"], { stdio: ["ignore", "pipe", "pipe"] });
    children.push(x11vnc);
    // x11vnc says PORT=n on stdout once it listens (a probe connection would be a client to it).
    await ready(x11vnc, "x11vnc", (out) => out.includes(`PORT=${rfbPort}`));
    const websockify = spawn("websockify", ["--web", NOVNC_WEB, `127.0.0.1:${webPort}`, `127.0.0.1:${rfbPort}`], { stdio: ["ignore", "ignore", "pipe"] });
    children.push(websockify);
    await ready(websockify, "websockify", (out) => out.includes(`proxying from 127.0.0.1:${webPort}`));
    return {
      clientUrl: `http://127.0.0.1:${webPort}/vnc_lite.html?host=127.0.0.1&port=${webPort}&scale=true`,
      pids: { x11vnc: x11vnc.pid!, websockify: websockify.pid! },
      versions: VNC_PACKAGES.map((p) => `${p} ${installedVersion(p)}`).join(", "),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

function installedVersion(pkg: string): string | null {
  const out = spawnSync("dpkg-query", ["-W", "-f=${Status} ${Version}", pkg], { encoding: "utf8" });
  const m = /install ok installed (\S+)/.exec(out.stdout ?? "");
  return m ? m[1]! : null;
}

/** Resolves once the process said it is ready (on stdout or stderr); rejects with its own words if it exits first. */
function ready(child: ChildProcess, name: string, isReady: (said: string) => boolean): Promise<void> {
  let said = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} not ready within 15 s: ${said.trim()}`)), 15_000);
    const hear = (c: Buffer) => {
      said = (said + c.toString()).slice(-4000);
      if (process.env.BENCH_DEBUG) process.stderr.write(`[${name}] ${c.toString()}`);
      if (!isReady(said)) return;
      clearTimeout(timer);
      resolve();
    };
    child.stdout?.on("data", hear);
    child.stderr!.on("data", hear);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code}: ${said.trim()}`));
    });
  });
}
