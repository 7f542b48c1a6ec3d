import { spawnSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * `npm start` where something is wrong with the machine or a setting: one line
 * that says what and how to fix it, exit 1, no stack trace.
 */
const TSX = path.resolve("node_modules/.bin/tsx");

function start(env: Record<string, string>) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "tandem-start-"));
  const run = spawnSync(TSX, ["src/server/main.ts"], { env: { ...process.env, TANDEM_TLS: "off", TANDEM_DATA_DIR: dataDir, ...env }, encoding: "utf8", timeout: 30_000 });
  return { status: run.status, stderr: run.stderr.trim(), stdout: run.stdout };
}

describe("npm start says what is wrong in one line", () => {
  let taken: net.Server;
  let port: number;
  beforeAll(async () => {
    taken = net.createServer().listen(0, "127.0.0.1");
    await new Promise((resolve) => taken.once("listening", resolve));
    port = (taken.address() as net.AddressInfo).port;
  });
  afterAll(() => taken.close());

  const oneLine = (stderr: string) => {
    expect(stderr.split("\n")).toHaveLength(1);
    expect(stderr).not.toMatch(/\n\s+at |Error:/);
  };

  it("names the port that is taken and the setting that moves it", () => {
    const { status, stderr } = start({ TANDEM_PORT: String(port) });
    expect(status).toBe(1);
    oneLine(stderr);
    expect(stderr).toContain(`Port ${port} on 127.0.0.1 is already in use`);
    expect(stderr).toContain(`TANDEM_PORT=${port + 1}`);
  });

  it("names a data folder that cannot be written", () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "tandem-start-")), "a-file");
    fs.writeFileSync(file, "");
    const { status, stderr } = start({ TANDEM_DATA_DIR: path.join(file, "data") });
    expect(status).toBe(1);
    oneLine(stderr);
    expect(stderr).toMatch(/Cannot write the data folder .*a-file\/data \(ENOTDIR\).*TANDEM_DATA_DIR/);
  });

  it("names a certificate file that does not exist", () => {
    const { status, stderr } = start({ TANDEM_TLS: "on", TANDEM_TLS_CERT: "/nonexistent/cert.pem", TANDEM_TLS_KEY: "/nonexistent/key.pem" });
    expect(status).toBe(1);
    oneLine(stderr);
    expect(stderr).toBe("tandem: TANDEM_TLS_CERT names /nonexistent/cert.pem, which is not a readable file: fix the path or unset TANDEM_TLS_CERT");
  });

  it("names a setting that does not parse", () => {
    const { status, stderr } = start({ TANDEM_PORT: "eighty" });
    expect(status).toBe(1);
    oneLine(stderr);
    expect(stderr).toMatch(/^tandem: invalid setting TANDEM_PORT: /);
  });
});
