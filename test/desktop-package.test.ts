import { execFile, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import https from "node:https";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { listPackage, extractFile } from "@electron/asar";
import { parse as parseYaml } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api } from "./support/api.js";
import { type Harness, startHarness } from "./support/broker-harness.js";
import { describeNeeding } from "./support/needs.js";

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
    for (const f of ["/package.json", "/dist/main.cjs", "/dist/preload.cjs", "/dist/agent.cjs", "/dist/tray.png", "/dist/ui/renderer/index.html"]) expect(files).toContain(f);
    // The sharer UI ships inside, signed with the app: its page loads only its own relative assets, nothing from a network.
    const page = extractFile(asar, "dist/ui/renderer/index.html").toString("utf8");
    const assets = [...page.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(assets.length).toBeGreaterThanOrEqual(2);
    for (const asset of assets) {
      expect(asset, asset).toMatch(/^\.\.\/assets\/[\w-]+\.(js|css)$/);
      expect(files).toContain(`/dist/ui/${asset.slice(3)}`);
    }
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
    expect(config.mac).toMatchObject({ target: ["pkg", "dmg", "zip"], hardenedRuntime: true, entitlements: "entitlements.mac.plist" });
    expect(config.pkg).toMatchObject({ installLocation: "/Applications", isRelocatable: false });
    const entitlements = fs.readFileSync(path.join(root, "entitlements.mac.plist"), "utf8");
    expect(entitlements).toContain("<key>com.apple.security.cs.allow-jit</key>");
    expect(entitlements).not.toContain("com.apple.security.cs.disable-library-validation"); // no unsigned code loads into the app
    expect(config.protocols[0].schemes).toEqual(["tandem"]);
  });
});

/**
 * macOS updates: electron-updater's MacUpdater installs only from a zip, which
 * latest-mac.yml must name. The mac build packs here around a stand-in
 * Electron.app (no signing off a Mac), zipped with Debian's 7-Zip instead of
 * electron-builder's download, and the broker serves the folder it wrote.
 */
const sevenZip = spawnSync("sh", ["-c", "command -v 7zz"], { encoding: "utf8" }).stdout.trim();
describeNeeding(sevenZip ? null : "7-Zip is not installed (apt-get install 7zip)")("the macOS update the build writes", () => {
  let dir: string;
  let out: string;
  let feed: Harness;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "tandem-mac-update-"));
    out = path.join(dir, "out");
    standInElectronApp(path.join(dir, "electron"));
    await run(process.execPath, [path.join(root, "scripts", "build-app.mjs"), "--app", path.join(dir, "app"), "--platform", "darwin"], { cwd: root });
    await run(builder, ["--mac", "zip", "--x64", "--publish", "never", `-c.directories.app=${dir}/app`, `-c.directories.output=${out}`, `-c.electronDist=${dir}/electron`, `-c.electronVersion=${ELECTRON_VERSION}`, "-c.mac.notarize=false"], {
      cwd: root,
      env: { ...process.env, CI: "true", ELECTRON_BUILDER_7ZIP_PATH: sevenZip },
    });
    feed = await startHarness({ updatesDir: out });
  }, 180_000);
  afterAll(async () => {
    await feed?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("names in latest-mac.yml a zip the build really wrote, with its size and hash, holding the app", async () => {
    const manifest = parseYaml(fs.readFileSync(path.join(out, "latest-mac.yml"), "utf8")) as { version: string; files: { url: string; sha512: string; size: number }[]; path: string };
    const zips = manifest.files.filter((f) => f.url.endsWith(".zip"));
    expect(zips).toHaveLength(1);
    const zip = path.join(out, zips[0]!.url);
    const bytes = fs.readFileSync(zip);
    expect(zips[0]).toMatchObject({ size: bytes.length, sha512: createHash("sha512").update(bytes).digest("base64") });
    expect(manifest.version).toBe(JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")).version);
    const listing = spawnSync(sevenZip, ["l", zip], { encoding: "utf8" }).stdout;
    expect(listing).toContain("Tandem.app/Contents/Resources/app.asar");
    expect(listing).toContain("Tandem.app/Contents/Resources/app-update.yml");
  });

  it("is served by the broker's update feed byte for byte", async () => {
    const manifest = await api(feed.httpsOrigin, feed.ca, "", "GET", "/updates/latest-mac.yml");
    expect(manifest.status).toBe(200);
    const url = (parseYaml(manifest.text) as { path: string }).path;
    const served = await new Promise<Buffer>((resolve, reject) =>
      https.get(`${feed.httpsOrigin}/updates/${encodeURIComponent(url)}`, { ca: feed.ca }, (r) => {
        const chunks: Buffer[] = [];
        r.on("data", (c: Buffer) => chunks.push(c));
        r.on("end", () => resolve(Buffer.concat(chunks)));
      }).on("error", reject),
    );
    expect(served.equals(fs.readFileSync(path.join(out, url)))).toBe(true);
  });
});

/** Electron.app's layout as electron-builder rearranges it (the binaries are stand-ins: nothing runs them). */
function standInElectronApp(dist: string) {
  const plist = (name: string, id: string) =>
    `<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">\n<plist version="1.0"><dict><key>CFBundleExecutable</key><string>${name}</string><key>CFBundleIdentifier</key><string>${id}</string><key>CFBundleName</key><string>${name}</string><key>CFBundleVersion</key><string>1.0.0</string><key>CFBundleShortVersionString</key><string>1.0.0</string><key>CFBundleIconFile</key><string>electron.icns</string></dict></plist>\n`;
  const bundle = (dir: string, name: string, id: string) => {
    fs.mkdirSync(path.join(dir, "Contents", "MacOS"), { recursive: true });
    fs.mkdirSync(path.join(dir, "Contents", "Resources"), { recursive: true });
    fs.writeFileSync(path.join(dir, "Contents", "MacOS", name), "#!/bin/sh\n", { mode: 0o755 });
    fs.writeFileSync(path.join(dir, "Contents", "Info.plist"), plist(name, id));
  };
  const app = path.join(dist, "Electron.app");
  bundle(app, "Electron", "com.github.Electron");
  fs.writeFileSync(path.join(app, "Contents", "Resources", "electron.icns"), "");
  for (const suffix of ["", " (GPU)", " (Renderer)", " (Plugin)"]) {
    bundle(path.join(app, "Contents", "Frameworks", `Electron Helper${suffix}.app`), `Electron Helper${suffix}`, "com.github.Electron.helper");
  }
}
