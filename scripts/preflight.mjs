#!/usr/bin/env node
// Before the suite runs: the system packages its tests need. Where some are
// missing and this user can install them (root with apt-get), they are
// installed, saying which and why; where not, the run stops at once with the
// one command that installs them, and exits 2. Nothing is skipped for want of
// a package.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

/** Debian package, what shows it is there (a command on PATH, or only the package database), and why the suite needs it. */
export const REQUIREMENTS = [
  { pkg: "chromium", command: "chromium", why: "real-browser tests (console, sharer page, WebRTC)" },
  { pkg: "xvfb", command: "Xvfb", why: "the X screen the sharer shares and the agent injects into" },
  { pkg: "xterm", command: "xterm", why: "marker windows on the captured screen" },
  { pkg: "xdotool", command: "xdotool", why: "reading back injected input" },
  { pkg: "x11-utils", command: "xev", why: "reading back injected input" },
  { pkg: "iproute2", command: "ip", why: "the network namespace where Chromium gathers ICE candidates" },
  { pkg: "fonts-wqy-zenhei", file: "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", why: "screenshots of Chinese chat" },
  { pkg: "postgresql", file: "/usr/lib/postgresql", why: "the store contract's second engine" },
  { pkg: "redis-server", command: "redis-server", why: "several brokers sharing sessions" },
  { pkg: "coturn", command: "turnserver", why: "TURN credentials checked against a real server" },
  { pkg: "openssl", command: "openssl", why: "signed PPPC profiles" },
  { pkg: "python3", command: "python3", why: "plistlib reads generated profiles" },
  { pkg: "7zip", command: "7zz", why: "electron-builder zips the macOS update (instead of downloading its own 7-Zip)" },
];

function onPath(command, pathEnv) {
  return (pathEnv ?? "").split(path.delimiter).some((dir) => {
    try {
      fs.accessSync(path.join(dir, command), fs.constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** Installed packages from the package database (dpkg-query on PATH), or null where there is none. */
function dpkgInstalled(packages, env) {
  const query = spawnSync("dpkg-query", ["-W", "-f=${Package}\t${db:Status-Status}\n", ...packages], { env, encoding: "utf8" });
  if (query.error) return null;
  return new Set(
    query.stdout
      .split("\n")
      .map((line) => line.split("\t"))
      .filter(([, status]) => status === "installed")
      .map(([name]) => name),
  );
}

/** The requirements this machine lacks: a command must be on PATH; the rest go by the package database, or by their file where there is none. */
export function missingRequirements(env = process.env, requirements = REQUIREMENTS) {
  const installed = dpkgInstalled(
    requirements.filter((r) => !r.command).map((r) => r.pkg),
    env,
  );
  return requirements.filter((r) => {
    if (r.command) return !onPath(r.command, env.PATH);
    return installed ? !installed.has(r.pkg) : !fs.existsSync(r.file);
  });
}

export const installCommand = (missing) => `apt-get install -y ${missing.map((r) => r.pkg).join(" ")}`;
const listed = (missing) => missing.map((r) => `  ${r.pkg.padEnd(17)} ${r.why}`).join("\n");

function canInstall(env) {
  return process.getuid?.() === 0 && onPath("apt-get", env.PATH);
}

function install(missing, env) {
  // dpkg's progress is long; it goes to a log, shown only when the install fails.
  const log = path.join(os.tmpdir(), `tandem-apt-${process.pid}.log`);
  const out = fs.openSync(log, "w");
  const apt = (args) => {
    const ok = spawnSync("apt-get", args, { env: { ...env, DEBIAN_FRONTEND: "noninteractive" }, stdio: ["ignore", out, out] }).status === 0;
    if (!ok) console.error(`apt-get ${args.join(" ")} failed; its output:\n${fs.readFileSync(log, "utf8").split("\n").slice(-30).join("\n")}`);
    return ok;
  };
  // A fresh machine has no package lists yet, and old ones may name versions the mirror no longer has.
  return apt(["update", "-qq"]) && apt(["install", "-y", "-qq", ...missing.map((r) => r.pkg)]);
}

/** Returns true when every requirement is there (installing what it can); otherwise says what to run. */
export function preflight(env = process.env) {
  let missing = missingRequirements(env);
  if (missing.length === 0) return true;
  if (canInstall(env)) {
    console.log(`npm test: installing the Debian packages the suite needs:\n${listed(missing)}`);
    install(missing, env);
    missing = missingRequirements(env);
    if (missing.length === 0) return true;
  }
  console.error(
    `npm test: the suite needs these Debian packages, which are missing:\n${listed(missing)}\n` +
      `Install them, then run npm test again:\n  sudo ${installCommand(missing)}`,
  );
  return false;
}

if (import.meta.url === `file://${process.argv[1]}`) process.exit(preflight() ? 0 : 2);
