#!/usr/bin/env node
// npm ci's last step (the root postinstall): build better-sqlite3 once, for the
// Node that runs Tandem. npm puts node_modules/.bin first on PATH, so that Node
// is the `node` package's Node 24 even where the machine's own is older; the
// package's own install script is off (allowScripts) because it would build
// against the machine's Node headers (npm's `nodedir`) and fail to load here.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

const require = createRequire(import.meta.url);
const packageDir = path.dirname(require.resolve("better-sqlite3/package.json"));

function loads() {
  const probe = spawnSync(process.execPath, ["-e", "new (require('better-sqlite3'))(':memory:').close()"], { encoding: "utf8" });
  return probe.status === 0;
}

/**
 * Headers that match the running Node: its install prefix (official tarballs),
 * or the platform package beside it (the `node` package hard-links its binary
 * from node_modules/node-<platform>-<arch>, which ships include/node).
 */
function nodeHeadersDir() {
  const prefix = path.dirname(path.dirname(fs.realpathSync(process.execPath)));
  const candidates = [prefix, path.join(prefix, "node_modules", `node-${process.platform}-${process.arch}`)];
  return candidates.find((dir) => fs.existsSync(path.join(dir, "include", "node", "node.h"))) ?? null;
}

if (loads()) process.exit(0);
console.log(`better-sqlite3: building for Node ${process.version} (ABI ${process.versions.modules})`);
const env = { ...process.env };
const headers = nodeHeadersDir();
if (headers) env.npm_config_nodedir = headers;
// The compiler's output is long and only matters when the build fails.
let output = "";
const run = (cmd, args) => {
  const step = spawnSync(cmd, args, { cwd: packageDir, env, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  output += step.stdout + step.stderr;
  return step.status === 0;
};
// A prebuilt binary where the registry mirror has one; otherwise from source.
const prebuilt = path.join(path.dirname(require.resolve("prebuild-install/package.json")), "bin.js");
const nodeGyp = process.env.npm_config_node_gyp ?? require.resolve("node-gyp/bin/node-gyp.js", { paths: [path.dirname(process.env.npm_execpath ?? "")] });
if ((run(process.execPath, [prebuilt]) && loads()) || (run(process.execPath, [nodeGyp, "rebuild", "--release", ...(headers ? [`--nodedir=${headers}`] : [])]) && loads())) process.exit(0);
console.error(output.split("\n").slice(-40).join("\n"));
console.error(`better-sqlite3 could not be built for Node ${process.version}: it needs python3, make and a C++ compiler (apt-get install python3 make g++)`);
process.exit(1);
