import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { REQUIREMENTS } from "../scripts/preflight.mjs";

/**
 * npm test's pre-flight on a machine that lacks packages: it names exactly the
 * missing ones with the one command that installs them, and stops (exit 2).
 * The machine is faked by PATH: stand-in commands, and a dpkg-query that
 * prints a made-up package database. No apt-get on that PATH, so nothing is
 * installed.
 */
function fakeMachine(opts: { withoutCommands: string[]; installedPackages: string[] }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tandem-fake-path-"));
  for (const r of REQUIREMENTS) {
    if (r.command && !opts.withoutCommands.includes(r.command)) fs.writeFileSync(path.join(dir, r.command), "#!/bin/sh\nexit 0\n", { mode: 0o755 });
  }
  const rows = REQUIREMENTS.filter((r) => !r.command).map((r) => `${r.pkg}\t${opts.installedPackages.includes(r.pkg) ? "installed" : "not-installed"}`);
  fs.writeFileSync(path.join(dir, "dpkg-query"), `#!/bin/sh\nprintf '${rows.join("\\n")}\\n'\n`, { mode: 0o755 });
  return dir;
}

function runPreflight(fakePath: string) {
  const run = spawnSync(process.execPath, ["scripts/preflight.mjs"], { env: { PATH: fakePath }, encoding: "utf8" });
  return { status: run.status, output: run.stdout + run.stderr };
}

describe("npm test's pre-flight check of system packages", () => {
  it("stops with the install command when chromium is not on PATH", () => {
    const { status, output } = runPreflight(fakeMachine({ withoutCommands: ["chromium"], installedPackages: ["postgresql", "fonts-wqy-zenhei"] }));
    expect(status).toBe(2);
    expect(output).toContain("sudo apt-get install -y chromium\n");
    expect(output).toMatch(/chromium\s+real-browser tests/);
  });

  it("names the packages the package database lacks, and only those", () => {
    const { status, output } = runPreflight(fakeMachine({ withoutCommands: ["turnserver", "xev"], installedPackages: ["postgresql"] }));
    expect(status).toBe(2);
    expect(output).toContain("sudo apt-get install -y x11-utils fonts-wqy-zenhei coturn\n");
    expect(output).not.toMatch(/postgresql|redis-server|chromium/);
  });

  it("passes silently when everything is there", () => {
    const { status, output } = runPreflight(fakeMachine({ withoutCommands: [], installedPackages: ["postgresql", "fonts-wqy-zenhei"] }));
    expect({ status, output }).toEqual({ status: 0, output: "" });
  });
});
