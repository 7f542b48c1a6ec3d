import "reflect-metadata"; // @peculiar/x509 needs the Reflect polyfill before it loads
import * as x509 from "@peculiar/x509";
import { KeyObject, webcrypto } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

// The global CryptoKey (Node declares it as a value; x509 takes its instances).
type CryptoKey = InstanceType<typeof globalThis.CryptoKey>;

x509.cryptoProvider.set(webcrypto as never);

export interface TlsMaterial {
  cert: string;
  key: string;
  /** The local CA to trust in browsers and clients; absent for a configured certificate. */
  caCert?: string;
  caCertPath?: string;
}

const ALG = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" } as const;
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * First start: make a local CA and a certificate for localhost/127.0.0.1 in the
 * data folder; later starts reuse them, renewing the leaf a month before expiry.
 * The CA key stays on disk (0600) so the leaf can be renewed under the same trust.
 */
export async function loadOrCreateLocalTls(dataDir: string, extraHosts: string[] = []): Promise<TlsMaterial> {
  const dir = path.join(dataDir, "tls");
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const files = {
    caCert: path.join(dir, "ca.crt"),
    caKey: path.join(dir, "ca.key"),
    cert: path.join(dir, "localhost.crt"),
    key: path.join(dir, "localhost.key"),
  };
  if (!fs.existsSync(files.caCert) || !fs.existsSync(files.caKey)) {
    const ca = await createCa();
    writeSecret(files.caKey, ca.keyPem);
    fs.writeFileSync(files.caCert, ca.certPem);
  }
  const caCert = fs.readFileSync(files.caCert, "utf8");
  if (!leafIsFresh(files.cert, [...defaultHosts(), ...extraHosts])) {
    const caKey = await importKey(fs.readFileSync(files.caKey, "utf8"));
    const leaf = await createLeaf(new x509.X509Certificate(caCert), caKey, [...defaultHosts(), ...extraHosts]);
    writeSecret(files.key, leaf.keyPem);
    fs.writeFileSync(files.cert, `${leaf.certPem.trim()}\n${caCert.trim()}\n`);
  }
  return { cert: fs.readFileSync(files.cert, "utf8"), key: fs.readFileSync(files.key, "utf8"), caCert, caCertPath: files.caCert };
}

function defaultHosts(): string[] {
  return ["localhost", "127.0.0.1", "::1"];
}

function leafIsFresh(certFile: string, hosts: string[]): boolean {
  if (!fs.existsSync(certFile)) return false;
  const cert = new x509.X509Certificate(fs.readFileSync(certFile, "utf8"));
  const san = cert.getExtension(x509.SubjectAlternativeNameExtension);
  const names = new Set(san?.names.items.map((n) => n.value) ?? []);
  return cert.notAfter.getTime() - Date.now() > 30 * DAY_MS && hosts.every((h) => names.has(h));
}

async function createCa() {
  const keys = await crypto.subtle.generateKey(ALG, true, ["sign", "verify"]);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: "CN=Tandem local CA, O=Tandem",
    notBefore: new Date(Date.now() - DAY_MS),
    notAfter: new Date(Date.now() + 3650 * DAY_MS),
    keys,
    signingAlgorithm: ALG,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { certPem: `${cert.toString("pem").trim()}\n`, keyPem: await exportKey(keys.privateKey) };
}

async function createLeaf(ca: x509.X509Certificate, caKey: CryptoKey, hosts: string[]) {
  const keys = await crypto.subtle.generateKey(ALG, true, ["sign", "verify"]);
  const isIp = (h: string) => /^[\d.]+$/.test(h) || h.includes(":");
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: "CN=localhost",
    issuer: ca.subject,
    notBefore: new Date(Date.now() - DAY_MS),
    notAfter: new Date(Date.now() + 397 * DAY_MS), // browsers refuse leaf certificates valid for longer
    publicKey: keys.publicKey,
    signingKey: caKey,
    signingAlgorithm: ALG,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(hosts.map((h) => ({ type: isIp(h) ? ("ip" as const) : ("dns" as const), value: h }))),
      await x509.AuthorityKeyIdentifierExtension.create(ca),
    ],
  });
  return { certPem: `${cert.toString("pem").trim()}\n`, keyPem: await exportKey(keys.privateKey) };
}

async function exportKey(key: CryptoKey): Promise<string> {
  return KeyObject.from(key).export({ type: "pkcs8", format: "pem" }).toString();
}

async function importKey(pem: string): Promise<CryptoKey> {
  const der = Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ""), "base64");
  return crypto.subtle.importKey("pkcs8", der, ALG, false, ["sign"]);
}

function serial(): string {
  return Buffer.from(webcrypto.getRandomValues(new Uint8Array(16))).toString("hex").replace(/^[89a-f]/, "1");
}

function writeSecret(file: string, content: string): void {
  fs.writeFileSync(file, content, { mode: 0o600 });
}
