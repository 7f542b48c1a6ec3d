import { createHmac, createSecretKey, randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { encodeCode } from "../../protocol/index.js";

/**
 * Codes and resume tokens are secrets: the store keeps only keyed hashes, so a
 * copy of the database does not let anyone redeem a live code (40 bits are
 * too few to protect by an unkeyed hash).
 */
export interface CodeSecrets {
  newCode(): string;
  hashCode(canonicalCode: string): string;
  newResumeToken(): string;
  hashResumeToken(token: string): string;
}

export function createCodeSecrets(pepper: Buffer): CodeSecrets {
  // A KeyObject made once: Node prepares a raw key anew on every HMAC, which cost more than the HMAC (bench/broker).
  const key = createSecretKey(pepper);
  const hmac = (kind: string, value: string) => createHmac("sha256", key).update(`${kind}:${value}`).digest("base64url");
  return {
    newCode: () => encodeCode(randomBytes(5)),
    hashCode: (code) => hmac("code", code),
    newResumeToken: () => randomBytes(32).toString("base64url"),
    hashResumeToken: (token) => hmac("resume", token),
  };
}

/** The key behind the hashes, kept with the data folder, never in the database. */
export function codeSecretsIn(dataDir: string): CodeSecrets {
  const file = path.join(dataDir, "code-pepper.key");
  if (!fs.existsSync(file)) fs.writeFileSync(file, randomBytes(32).toString("base64"), { mode: 0o600 });
  return createCodeSecrets(Buffer.from(fs.readFileSync(file, "utf8"), "base64"));
}
