import fs from "node:fs";
import path from "node:path";
import { exportJWK, generateKeyPair, importJWK, SignJWT, type JSONWebKeySet, type JWK } from "jose";

/**
 * The broker's own token issuer, used only when no external IdP is configured,
 * so `npm start` works on a fresh machine. Its signing key lives in the data
 * folder: whoever can read that folder administers this broker and may mint
 * tokens for it (`npm run token`). Verification does not know it is local: it
 * goes through the same TokenVerifier as any IdP's JWKS.
 */
export interface LocalIssuer {
  issuer: string;
  audience: string;
  jwks: JSONWebKeySet;
  mint(claims: { sub: string; name: string; tid?: string }, ttlSeconds?: number): Promise<string>;
}

export const LOCAL_AUDIENCE = "tandem";

export async function loadOrCreateLocalIssuer(dataDir: string, issuer: string): Promise<LocalIssuer> {
  const file = path.join(dataDir, "issuer-key.json");
  if (!fs.existsSync(file)) {
    const { privateKey } = await generateKeyPair("ES256", { extractable: true });
    const jwk = { ...(await exportJWK(privateKey)), kid: `local-${Date.now().toString(36)}`, alg: "ES256" };
    fs.mkdirSync(dataDir, { recursive: true });
    fs.writeFileSync(file, JSON.stringify(jwk), { mode: 0o600 });
  }
  const privateJwk = JSON.parse(fs.readFileSync(file, "utf8")) as JWK;
  const { d: _private, ...publicJwk } = privateJwk;
  const signingKey = await importJWK(privateJwk, "ES256");
  return {
    issuer,
    audience: LOCAL_AUDIENCE,
    jwks: { keys: [{ ...publicJwk, use: "sig" }] },
    async mint(claims, ttlSeconds = 3600) {
      return new SignJWT({ name: claims.name, tid: claims.tid ?? "default" })
        .setProtectedHeader({ alg: "ES256", kid: privateJwk.kid!, typ: "JWT" })
        .setSubject(claims.sub)
        .setIssuer(issuer)
        .setAudience(LOCAL_AUDIENCE)
        .setIssuedAt()
        .setExpirationTime(`${ttlSeconds}s`)
        .sign(signingKey);
    },
  };
}
