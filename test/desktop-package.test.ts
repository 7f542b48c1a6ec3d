import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { listPackage, extractFile } from "@electron/asar";
import { parse as parseYaml } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * What ships in the desktop app, checked offline: electron-builder validates
 * the configuration and packs the real app directory (scripts/build-app.mjs)
 * around a stand-in Electron, so app.asar is built exactly as for a release.
 */
const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, "..");
const builder = path.join(root, "node_modules", ".bin", "electron-builder");
const ELECTRON_VERSION = JSON.parse(fs.readFileSync(path.join(root, "node_modules", "electron", "package.json"), "utf8")).version as string;

describe("the packaged desktop app", () => {
  let dir: string;
  let asar: string;
  let files: string[];
  const pack = (...extra: string[]) =>
    run(builder, ["--linux", "dir", "--publish", "never", `-c.directories.app=${dir}/app`, `-c.directories.output=${dir}/out`, `-c.electronDist=${dir}/electron`, `-c.electronVersion=${ELECTRON_VERSION}`, ...extra], { cwd: root, env: { ...process.env, CI: "true" } });

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "tandem-package-"));
    fs.mkdirSync(path.join(dir, "electron"));
    fs.writeFileSync(path.join(dir, "electron", "electron"), "#!/bin/sh\necho stand-in for the Electron binary\n", { mode: 0o755 });
    await run(process.execPath, [path.join(root, "scripts", "build-app.mjs"), "--app", path.join(dir, "app"), "--platform", "linux"], { cwd: root });
    await pack();
    asar = path.join(dir, "out", "linux-unpacked", "resources", "app.asar");
    files = listPackage(asar, { isPack: false }).map((f) => f.replaceAll("\\", "/"));
  }, 120_000);
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("ships the bundled main, preload and agent, and nothing of the repository besides", () => {
    for (const f of ["/package.json", "/dist/main.cjs", "/dist/preload.cjs", "/dist/agent.cjs", "/dist/tray.png"]) expect(files).toContain(f);
    const offenders = files.filter((f) => /\.(ts|tsx|map|md)$|\/test\/|\/src\/|\.test\.|\.ninja|\/(fastify|pg|better-sqlite3|oidc-provider|react|ioredis|playwright-core|vitest)\//.test(f));
    expect(offenders).toEqual([]);
    const manifest = JSON.parse(extractFile(asar, "package.json").toString("utf8"));
    expect(manifest).toMatchObject({ name: "tandem-desktop", main: "dist/main.cjs", version: JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")).version });
    for (const bundle of ["dist/main.cjs", "dist/preload.cjs", "dist/agent.cjs"]) expect(extractFile(asar, bundle).toString("utf8")).not.toContain("sourceMappingURL");
  });

  it("keeps native code outside the archive, where it can load", () => {
    const unpacked = path.join(dir, "out", "linux-unpacked", "resources", "app.asar.unpacked");
    const native = path.join(unpacked, "node_modules", "@nut-tree-fork", "libnut-linux", "build", "Release", "libnut.node");
    expect(fs.readFileSync(native).subarray(0, 4).toString("latin1")).toBe("\x7fELF");
    expect(files.filter((f) => f.endsWith(".node"))).toEqual(["/node_modules/@nut-tree-fork/libnut-linux/build/Release/libnut.node"]); // listed, stored unpacked
    expect(files.some((f) => f.includes("libnut-win32") || f.includes("libnut-darwin"))).toBe(false); // other platforms' binaries stay out
  });

  it("points the updater at the broker's generic feed", () => {
    const update = parseYaml(fs.readFileSync(path.join(dir, "out", "linux-unpacked", "resources", "app-update.yml"), "utf8"));
    expect(update).toMatchObject({ provider: "generic", url: expect.stringMatching(/\/updates\/?$/) });
  });

  it("has its configuration validated: an unknown key fails the build", async () => {
    const failed = await pack("-c.mac.notarise=true").then(
      () => null,
      (e: { stderr: string; stdout: string }) => e.stderr + e.stdout,
    );
    expect(failed).toMatch(/Invalid configuration object[\s\S]*configuration\.mac/);
  }, 60_000);

  it("builds a per-machine Windows installer and a hardened, entitled macOS package", () => {
    const config = parseYaml(fs.readFileSync(path.join(root, "electron-builder.yml"), "utf8"));
    expect(config.nsis).toMatchObject({ perMachine: true, oneClick: false });
    expect(config.mac).toMatchObject({ target: ["pkg", "dmg"], hardenedRuntime: true, entitlements: "entitlements.mac.plist" });
    expect(config.pkg).toMatchObject({ installLocation: "/Applications", isRelocatable: false });
    const entitlements = fs.readFileSync(path.join(root, "entitlements.mac.plist"), "utf8");
    expect(entitlements).toContain("<key>com.apple.security.cs.allow-jit</key>");
    expect(entitlements).not.toContain("com.apple.security.cs.disable-library-validation"); // no unsigned code loads into the app
    expect(config.protocols[0].schemes).toEqual(["tandem"]);
  });
});
