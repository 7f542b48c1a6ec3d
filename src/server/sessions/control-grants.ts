import { randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { exportJWK, generateKeyPair, importJWK, type JWK, SignJWT } from "jose";
import { CONTROL_GRANT_AUDIENCE, CONTROL_GRANT_TTL_SECONDS, type Level, type Party } from "../../protocol/index.js";
import type { Clock } from "../clock.js";

/**
 * The broker's signature on "this helper asks this sharer for this level in
 * this session", which the desktop app verifies before it asks the sharer
 * itself (src/main/control-consent.ts). An ES256 key of its own, made on
 * first start in the data folder (shared by every broker of a cluster, like
 * the code pepper); its public half is served for the apps to check against.
 */
export interface ControlGrants {
  sign(o: { sessionId: string; sharerId: string; tenantId: string; level: Level; helper: Party }): Promise<string>;
  /** The public key set the desktop app verifies against. */
  jwks: { keys: JWK[] };
}

export async function loadOrCreateControlGrants(dataDir: string, issuer: string, clock: Clock): Promise<ControlGrants> {
  const file = path.join(dataDir, "control-grant-key.json");
  if (!fs.existsSync(file)) {
    const { privateKey } = await generateKeyPair("ES256", { extractable: true });
    const jwk = { ...(await exportJWK(privateKey)), kid: randomUUID(), alg: "ES256" };
    try {
      fs.writeFileSync(file, JSON.stringify(jwk), { mode: 0o600, flag: "wx" });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error; // another broker of the cluster made it first
    }
  }
  const jwk = JSON.parse(fs.readFileSync(file, "utf8")) as JWK & { kid: string };
  const key = await importJWK(jwk, "ES256");
  const { d: _private, ...publicJwk } = jwk;
  return {
    jwks: { keys: [{ ...publicJwk, use: "sig" }] },
    sign: ({ sessionId, sharerId, tenantId, level, helper }) => {
      const now = Math.floor(clock.now() / 1000);
      return new SignJWT({ sid: sessionId, tid: tenantId, lvl: level, helper })
        .setProtectedHeader({ alg: "ES256", kid: jwk.kid })
        .setIssuer(issuer)
        .setAudience(CONTROL_GRANT_AUDIENCE)
        .setSubject(sharerId)
        .setJti(randomUUID())
        .setIssuedAt(now)
        .setExpirationTime(now + CONTROL_GRANT_TTL_SECONDS)
        .sign(key);
    },
  };
}
