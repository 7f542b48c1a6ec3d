import { execFile, execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildPppcProfile, signProfile } from "../src/pppc/index.js";
import { api } from "./support/api.js";
import { northwind } from "./support/demo-people.js";
import { type IdpHarness, startIdpHarness } from "./support/idp-harness.js";

const exec = promisify(execFile);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tandem-pppc-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function cli(args: string[], env: NodeJS.ProcessEnv = process.env) {
  try {
    const { stdout, stderr } = await exec(process.execPath, ["bin/tandem-pppc.mjs", ...args], { env });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe("tandem-pppc CLI", () => {
  it("--help explains every option and exits 0", async () => {
    const { code, stdout } = await cli(["--help"]);
    expect(code).toBe(0);
    for (const flag of ["--team-id", "--bundle-id", "--org", "--post-event", "--out", "--sign-cert"]) expect(stdout).toContain(flag);
  });

  it("writes the generator's exact bytes, with the bundle id from electron-builder.yml, and prints the warnings", async () => {
    const out = path.join(dir, "p.mobileconfig");
    const { code, stderr } = await cli(["--team-id", "ABCDE12345", "--org", "Northwind", "--post-event", "--out", out]);
    expect(code).toBe(0);
    expect(stderr).toContain("warning: Pre-approving Accessibility by profile is deprecated in macOS 26.2");
    const expected = buildPppcProfile({ bundleId: "org.tandemhelp.Tandem", teamId: "ABCDE12345", organization: "Northwind", identifierPrefix: "org.tandemhelp.Tandem", services: ["ScreenCapture", "Accessibility", "PostEvent"] });
    expect(fs.readFileSync(out, "utf8")).toBe(expected);
  });

  it.each([
    [["--team-id", "abc"], "--team-id: an Apple Team ID is 10 upper-case letters or digits"],
    [["--team-id", "ABCDE12345", "--bundle-id", "not a bundle"], "--bundle-id: a bundle id is reverse-DNS"],
    [["--team-id", "ABCDE12345", "--service", "Camera"], 'unknown service "Camera"'],
    [["--team-id", "ABCDE12345", "--teleport"], "Unknown option '--teleport'"],
    [["--org", "X"], "--team-id is required"],
    [["--team-id", "ABCDE12345", "--sign-cert", "a.pem"], "--sign-cert and --sign-key go together"],
  ])("refuses %j with exit code 2 and says why", async (args, message) => {
    const { code, stderr } = await cli(args as string[]);
    expect(code).toBe(2);
    expect(stderr).toContain(message);
  });
});

describe("signed profiles", () => {
  let cert: string;
  let key: string;
  beforeAll(() => {
    execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", path.join(dir, "key.pem"), "-out", path.join(dir, "cert.pem"), "-days", "1", "-subj", "/CN=Tandem test signer"], { stdio: "ignore" });
    [cert, key] = [fs.readFileSync(path.join(dir, "cert.pem"), "utf8"), fs.readFileSync(path.join(dir, "key.pem"), "utf8")];
  });

  it("verify with openssl against the signer, and carry the profile unchanged", async () => {
    const profile = buildPppcProfile({ bundleId: "org.tandemhelp.Tandem", teamId: "ABCDE12345", organization: "Northwind", identifierPrefix: "com.northwind" });
    const signed = await signProfile(profile, { certificatePem: cert, privateKeyPem: key });
    fs.writeFileSync(path.join(dir, "signed.mobileconfig"), signed);
    const content = execFileSync("openssl", ["cms", "-verify", "-inform", "DER", "-in", path.join(dir, "signed.mobileconfig"), "-CAfile", path.join(dir, "cert.pem"), "-purpose", "any"], { stdio: ["ignore", "pipe", "pipe"] });
    expect(content.toString("utf8")).toBe(profile);
    const tampered = Buffer.from(signed);
    const at = tampered.indexOf(Buffer.from("Northwind"));
    tampered[at] = tampered[at]! ^ 0x20;
    fs.writeFileSync(path.join(dir, "tampered.mobileconfig"), tampered);
    expect(() => execFileSync("openssl", ["cms", "-verify", "-inform", "DER", "-in", path.join(dir, "tampered.mobileconfig"), "-CAfile", path.join(dir, "cert.pem"), "-purpose", "any"], { stdio: "ignore" })).toThrow();
  });

  it("the CLI signs too", async () => {
    const out = path.join(dir, "cli-signed.mobileconfig");
    const { code, stderr } = await cli(["--team-id", "ABCDE12345", "--sign-cert", path.join(dir, "cert.pem"), "--sign-key", path.join(dir, "key.pem"), "--out", out]);
    expect(code).toBe(0);
    expect(stderr).toContain("(signed)");
    const content = execFileSync("openssl", ["cms", "-verify", "-inform", "DER", "-in", out, "-noverify"], { stdio: ["ignore", "pipe", "pipe"] }).toString();
    expect(content).toContain("<string>com.apple.TCC.configuration-profile-policy</string>");
  });
});

describe("pppc:check after signing", () => {
  const run = async (pathDirs: string[], args: string[]) => {
    try {
      const { stdout, stderr } = await exec(process.execPath, ["--import", "tsx", "scripts/pppc-check.ts", ...args], { env: { ...process.env, PATH: pathDirs.join(":") } });
      return { code: 0, out: stdout + stderr };
    } catch (error) {
      const e = error as { code: number; stdout: string; stderr: string };
      return { code: e.code, out: e.stdout + e.stderr };
    }
  };
  const fakeCodesign = (requirement: string) => {
    const bin = fs.mkdtempSync(path.join(dir, "bin-"));
    // A stand-in for macOS's codesign, printing what `codesign -d -r-` prints for a signed app.
    fs.writeFileSync(path.join(bin, "codesign"), `#!/bin/sh\n[ "$1" = "--help" ] && exit 0\necho "Executable=/Applications/Tandem.app/Contents/MacOS/Tandem"\necho 'designated => ${requirement}'\n`, { mode: 0o755 });
    return bin;
  };
  const nodeDir = path.dirname(process.execPath);

  it("says it was skipped where codesign does not exist", async () => {
    const result = await run([nodeDir, "/usr/bin", "/bin"], ["--app", "Tandem.app", "--team-id", "ABCDE12345"]);
    expect(result).toMatchObject({ code: 0 });
    expect(result.out).toContain("skipped: codesign is not available");
  });

  it("passes a build signed as the profile says, fails loudly on another team", async () => {
    const { developerIdRequirement } = await import("../src/pppc/index.js");
    const good = await run([fakeCodesign(developerIdRequirement("org.tandemhelp.Tandem", "ABCDE12345")), nodeDir, "/usr/bin", "/bin"], ["--app", "Tandem.app", "--team-id", "ABCDE12345"]);
    expect(good.code).toBe(0);
    const bad = await run([fakeCodesign(developerIdRequirement("org.tandemhelp.Tandem", "ZZZZZ99999")), nodeDir, "/usr/bin", "/bin"], ["--app", "Tandem.app", "--team-id", "ABCDE12345"]);
    expect(bad.code).toBe(1);
    expect(bad.out).toContain("pppc:check FAILED");
    expect(bad.out).toContain("ZZZZZ99999");
  });
});

describe("the broker's Deploy to Macs endpoint", () => {
  let h: IdpHarness;
  beforeAll(async () => {
    h = await startIdpHarness();
  });
  afterAll(() => h.close());

  it("gives admins the same bytes as the CLI for the same inputs, with the warnings", async () => {
    const admin = await h.desktopToken(northwind.admin.username, northwind.admin.password);
    const request = { teamId: "ABCDE12345", organization: "Northwind", services: ["Accessibility", "ScreenCapture", "PostEvent"] };
    const preview = await api(h.origin, h.ca, admin, "POST", "/api/pppc-profile", request);
    expect(preview.status).toBe(200);
    expect(preview.body.warnings.join(" ")).toContain("macOS 26.2");
    const download = await api(h.origin, h.ca, admin, "POST", "/api/pppc-profile?download", request);
    expect(download.headers["content-type"]).toBe("application/x-apple-aspen-config");
    expect(download.headers["content-disposition"]).toBe('attachment; filename="tandem-pppc-ABCDE12345.mobileconfig"');
    const out = path.join(dir, "cli-same.mobileconfig");
    await cli(["--team-id", "ABCDE12345", "--org", "Northwind", "--post-event", "--out", out]);
    expect(download.text).toBe(fs.readFileSync(out, "utf8"));
    expect(preview.body.profile).toBe(download.text);
  });

  it("refuses people without settings.manage, and bad input with a typed 400", async () => {
    const operator = await h.desktopToken(northwind.operator.username, northwind.operator.password);
    expect((await api(h.origin, h.ca, operator, "POST", "/api/pppc-profile", { teamId: "ABCDE12345" })).status).toBe(403);
    const admin = await h.desktopToken(northwind.admin.username, northwind.admin.password);
    expect(await api(h.origin, h.ca, admin, "POST", "/api/pppc-profile", { teamId: "nope" })).toMatchObject({ status: 400, body: { code: "bad_message", message: expect.stringContaining("teamId") } });
    expect(await api(h.origin, h.ca, admin, "POST", "/api/pppc-profile", { teamId: "ABCDE12345", services: ["Camera"] })).toMatchObject({ status: 400, body: { code: "bad_message" } });
  });
});
