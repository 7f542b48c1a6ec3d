import { createPrivateKey, createPublicKey, hkdfSync, type KeyObject, randomBytes, sign, verify } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

/**
 * The audit log's secrets, from one 32-byte file kept with the data folder and
 * never in the database (put it elsewhere with TANDEM_AUDIT_KEY_FILE): the
 * chain's HMAC key, and an Ed25519 key that signs checkpoints. Anyone given
 * the public key (printed by `npm run audit:verify`) can check checkpoints
 * shipped elsewhere without being able to forge one.
 */
export interface AuditKeys {
  chainKey: Buffer;
  signCheckpoint(data: string): string;
  checkpointSignatureValid(data: string, signature: string): boolean;
  publicKeyPem: string;
}

// An Ed25519 private key in PKCS#8 is this fixed prefix and the 32-byte seed.
const ED25519_PKCS8_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");

export function auditKeysFrom(secret: Buffer): AuditKeys {
  const derive = (info: string) => Buffer.from(hkdfSync("sha256", secret, Buffer.alloc(0), info, 32));
  const privateKey: KeyObject = createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, derive("tandem audit checkpoints")]), format: "der", type: "pkcs8" });
  const publicKey = createPublicKey(privateKey);
  return {
    chainKey: derive("tandem audit chain"),
    signCheckpoint: (data) => sign(null, Buffer.from(data), privateKey).toString("base64url"),
    checkpointSignatureValid: (data, signature) => verify(null, Buffer.from(data), publicKey, Buffer.from(signature, "base64url")),
    publicKeyPem: publicKey.export({ type: "spki", format: "pem" }).toString(),
  };
}

export function loadOrCreateAuditKeys(file: string): AuditKeys {
  if (!fs.existsSync(file)) {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    try {
      fs.writeFileSync(file, randomBytes(32).toString("base64"), { mode: 0o600, flag: "wx" });
    } catch (error) {
      // Another broker sharing the folder made it first: use theirs.
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
  }
  const secret = Buffer.from(fs.readFileSync(file, "utf8").trim(), "base64");
  if (secret.length !== 32) throw new Error(`${file} does not hold a 32-byte audit key (base64)`);
  return auditKeysFrom(secret);
}
