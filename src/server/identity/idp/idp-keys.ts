import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { exportJWK, generateKeyPair, type JWK } from "jose";

/**
 * The IdP's secrets, made on first start and kept in the data folder: signing
 * keys (RS256 for ID tokens, ES256 for access tokens), cookie keys and the
 * console's client secret. Several brokers share them by sharing the file.
 */
export interface IdpKeys {
  signingKeys: JWK[];
  cookieKeys: string[];
  consoleClientSecret: string;
}

export async function loadOrCreateIdpKeys(dataDir: string): Promise<IdpKeys> {
  const file = path.join(dataDir, "idp-keys.json");
  if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, "utf8")) as IdpKeys;
  const rsa = await generateKeyPair("RS256", { extractable: true, modulusLength: 2048 });
  const ec = await generateKeyPair("ES256", { extractable: true });
  const stamp = Date.now().toString(36);
  const keys: IdpKeys = {
    signingKeys: [
      { ...(await exportJWK(ec.privateKey)), kid: `es-${stamp}`, alg: "ES256", use: "sig" },
      { ...(await exportJWK(rsa.privateKey)), kid: `rs-${stamp}`, alg: "RS256", use: "sig" },
    ],
    cookieKeys: [randomBytes(32).toString("base64url")],
    consoleClientSecret: randomBytes(32).toString("base64url"),
  };
  fs.mkdirSync(dataDir, { recursive: true });
  fs.writeFileSync(file, JSON.stringify(keys), { mode: 0o600 });
  return keys;
}

/** The public half, for verifying tokens in process. */
export function publicJwks(keys: IdpKeys): { keys: JWK[] } {
  return { keys: keys.signingKeys.map(({ d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...pub }) => pub) };
}
