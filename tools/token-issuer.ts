import http from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, SignJWT, type JWTPayload } from "jose";

/**
 * A token issuer of our own for tests and benchmarks: an RSA key pair and a real JWKS endpoint
 * on loopback, so the broker verifies tokens exactly as it would an IdP's.
 */
export interface TestIssuer {
  issuer: string;
  audience: string;
  jwksUrl: string;
  mint(user: { sub: string; name?: string; tid?: string }, options?: MintOptions): Promise<string>;
  close(): Promise<void>;
}

export interface MintOptions {
  audience?: string;
  issuer?: string;
  expiresInSeconds?: number;
  /** Sign with a key the JWKS does not publish (a forged token). */
  foreignKey?: boolean;
  extraClaims?: JWTPayload;
}

export async function startTestIssuer(): Promise<TestIssuer> {
  const { privateKey, publicKey } = await generateKeyPair("RS256");
  const foreign = await generateKeyPair("RS256");
  const jwk = { ...(await exportJWK(publicKey)), kid: "test-key", alg: "RS256", use: "sig" };
  const server = http.createServer((request, response) => {
    if (request.url === "/jwks") {
      response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ keys: [jwk] }));
    } else {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const issuer = `${origin}/`;
  const audience = "api://tandem-test";
  return {
    issuer,
    audience,
    jwksUrl: `${origin}/jwks`,
    async mint(user, options = {}) {
      const now = Math.floor(Date.now() / 1000);
      // Everyone it signs for is in "help-desk" unless told otherwise: the default Help desk operator group.
      return new SignJWT({ name: user.name ?? user.sub, tid: user.tid ?? "northwind.test", groups: ["help-desk"], ...options.extraClaims })
        .setProtectedHeader({ alg: "RS256", kid: "test-key", typ: "JWT" })
        .setSubject(user.sub)
        .setIssuer(options.issuer ?? issuer)
        .setAudience(options.audience ?? audience)
        .setIssuedAt(now)
        .setExpirationTime(now + (options.expiresInSeconds ?? 3600))
        .sign(options.foreignKey ? foreign.privateKey : privateKey);
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
