import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parse as parseYaml } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { updateFeed } from "../src/main/update-policy.js";
import { api } from "./support/api.js";
import { type Harness, startHarness } from "./support/broker-harness.js";

/** The broker serves the desktop app's update feed from a folder, at the URL the app's updater is given. */
describe("the update feed the broker serves", () => {
  let h: Harness;
  let bare: Harness;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tandem-updates-"));
  beforeAll(async () => {
    fs.writeFileSync(path.join(dir, "latest.yml"), "version: 0.2.0\nfiles:\n  - url: Tandem-0.2.0-mac.zip\n    sha512: abc\n    size: 12\npath: Tandem-0.2.0-mac.zip\nsha512: abc\nreleaseDate: '2026-11-23T00:00:00.000Z'\n");
    fs.writeFileSync(path.join(dir, "Tandem-0.2.0-mac.zip"), "PK\x03\x04 stand-in");
    fs.writeFileSync(path.join(dir, "notes.txt"), "not part of the feed");
    fs.writeFileSync(path.join(os.tmpdir(), "tandem-secret.yml"), "secret: true");
    [h, bare] = await Promise.all([startHarness({ updatesDir: dir }), startHarness()]);
  });
  afterAll(async () => {
    await Promise.all([h?.close(), bare?.close()]);
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(path.join(os.tmpdir(), "tandem-secret.yml"), { force: true });
  });

  it("serves the release manifest and installers at the feed URL the app uses", async () => {
    const feed = updateFeed(h.httpsOrigin);
    const manifest = await api(h.httpsOrigin, h.ca, "", "GET", `${new URL(feed.url).pathname}latest.yml`);
    expect(manifest.status).toBe(200);
    expect(manifest.headers["content-type"]).toMatch(/^text\/yaml/);
    expect(manifest.headers["cache-control"]).toBe("no-cache");
    expect(parseYaml(manifest.text)).toMatchObject({ version: "0.2.0", path: "Tandem-0.2.0-mac.zip" });
    const zip = await api(h.httpsOrigin, h.ca, "", "GET", "/updates/Tandem-0.2.0-mac.zip");
    expect(zip.status).toBe(200);
    expect(zip.headers["content-type"]).toBe("application/zip");
  });

  it("serves nothing else: other files, hidden files, paths out of the folder, or any file when no folder is set", async () => {
    for (const name of ["notes.txt", ".latest.yml", "..%2Ftandem-secret.yml", "%2E%2E%2Ftandem-secret.yml", "missing.yml"]) {
      const r = await api(h.httpsOrigin, h.ca, "", "GET", `/updates/${name}`);
      expect(r.status, name).toBe(404);
      expect(r.text).not.toContain("secret");
    }
    const none = await api(bare.httpsOrigin, bare.ca, "", "GET", "/updates/latest.yml");
    expect(none.status).toBe(404);
    expect(none.body).toMatchObject({ code: "not_found", message: expect.stringContaining("TANDEM_UPDATES_DIR") });
  });
});
