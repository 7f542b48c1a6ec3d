import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

/**
 * Signs a profile as CMS SignedData (DER, content attached), the form MDMs and
 * macOS accept for signed .mobileconfig files, with OpenSSL's `cms` command.
 * Unsigned profiles are the default: Intune accepts them.
 */
export async function signProfile(profile: string, o: { certificatePem: string; privateKeyPem: string; chainPem?: string; openssl?: string }): Promise<Buffer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tandem-pppc-sign-"));
  try {
    const file = (name: string, content: string) => {
      const target = path.join(dir, name);
      fs.writeFileSync(target, content, { mode: 0o600 });
      return target;
    };
    const args = ["cms", "-sign", "-binary", "-nodetach", "-outform", "DER", "-in", file("profile.mobileconfig", profile), "-signer", file("cert.pem", o.certificatePem), "-inkey", file("key.pem", o.privateKeyPem), "-out", path.join(dir, "signed.mobileconfig")];
    if (o.chainPem) args.push("-certfile", file("chain.pem", o.chainPem));
    await new Promise<void>((resolve, reject) =>
      execFile(o.openssl ?? "openssl", args, (error, _stdout, stderr) => (error ? reject(new Error(`openssl could not sign the profile: ${stderr.trim() || error.message}`)) : resolve())),
    );
    return fs.readFileSync(path.join(dir, "signed.mobileconfig"));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
