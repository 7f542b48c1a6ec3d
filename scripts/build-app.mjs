#!/usr/bin/env node
// Builds the desktop app's code into app/ (electron-builder's app directory):
// main, preload and the input agent bundled as CommonJS by esbuild, plus the
// few native packages that cannot be bundled (libnut's .node for this
// platform and the `bindings` loader), copied from the root node_modules.
// Needs no network and no Electron binary.
import { build } from "esbuild";
import { build as viteBuild } from "vite";
import react from "@vitejs/plugin-react";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : fallback;
};
// --platform darwin|win32|linux: which libnut ships (default: this machine's); --app DIR: build elsewhere (tests).
const platform = arg("--platform", process.platform);
const app = path.resolve(arg("--app", path.join(root, "app")));
const out = path.join(app, "dist");
const NATIVE = ["bindings", "file-uri-to-path", `@nut-tree-fork/libnut-${platform}`, ...(platform === "darwin" ? ["@nut-tree-fork/node-mac-permissions"] : [])];
// clipboardy (the agent's clipboard, through nut-js) runs helper programs that ship beside it: it stays a package, with what it needs.
const CLIPBOARD = ["clipboardy"];
const EXTERNAL = [...CLIPBOARD, "bindings", "file-uri-to-path", "@nut-tree-fork/libnut-darwin", "@nut-tree-fork/libnut-linux", "@nut-tree-fork/libnut-win32", "@nut-tree-fork/node-mac-permissions"];
if (app !== path.join(root, "app")) {
  fs.mkdirSync(app, { recursive: true });
  fs.copyFileSync(path.join(root, "app", "package.json"), path.join(app, "package.json"));
}

fs.rmSync(out, { recursive: true, force: true });
fs.rmSync(path.join(app, "node_modules"), { recursive: true, force: true });
await build({
  entryPoints: { main: "src/main/main.ts", preload: "src/preload/preload.ts", agent: "native/agent.ts" },
  absWorkingDir: root,
  outdir: out,
  outExtension: { ".js": ".cjs" },
  bundle: true,
  platform: "node",
  target: "node22",
  format: "cjs",
  external: ["electron", ...EXTERNAL, "bufferutil", "utf-8-validate"],
  sourcemap: false,
  legalComments: "none",
  logLevel: "warning",
});
fs.copyFileSync(path.join(root, "build", "tray.png"), path.join(out, "tray.png"));
// The sharer UI ships inside the app (main serves it at app://tandem/): the same page the broker serves at /s,
// built with relative paths, no source maps, nothing fetched from anywhere at run time.
await viteBuild({
  configFile: false,
  root: path.join(root, "src"),
  base: "./",
  logLevel: "warn",
  plugins: [react()],
  build: { outDir: path.join(out, "ui"), emptyOutDir: true, target: "es2022", sourcemap: false, rollupOptions: { input: { sharer: path.join(root, "src", "renderer", "index.html"), overlay: path.join(root, "src", "overlay", "index.html") } } },
});
/** A package and every package it depends on, as npm installed them here (hoisted). */
function withDependencies(names, seen = new Set()) {
  for (const name of names) {
    if (seen.has(name) || !fs.existsSync(path.join(root, "node_modules", name, "package.json"))) continue;
    seen.add(name);
    withDependencies(Object.keys(JSON.parse(fs.readFileSync(path.join(root, "node_modules", name, "package.json"), "utf8")).dependencies ?? {}), seen);
  }
  return [...seen];
}
// Only the platform packages npm installed here (optional dependencies of nut-js), and the clipboard's.
for (const name of [...NATIVE, ...withDependencies(CLIPBOARD)]) {
  const from = path.join(root, "node_modules", name);
  // Build leftovers (ninja logs, import libraries) stay behind: only the loader and the .node ship.
  const leftover = (file) => /\.ninja|\.(lib|exp|pdb)$|\.md$/.test(path.basename(file));
  if (fs.existsSync(from)) fs.cpSync(from, path.join(app, "node_modules", name), { recursive: true, filter: (file) => !leftover(file) });
}
const version = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")).version;
const manifest = JSON.parse(fs.readFileSync(path.join(app, "package.json"), "utf8"));
if (manifest.version !== version) fs.writeFileSync(path.join(app, "package.json"), JSON.stringify({ ...manifest, version }, null, 2) + "\n");
console.log(`desktop app built into ${app} (main, preload, agent, the sharer UI; libnut for ${platform})`);
