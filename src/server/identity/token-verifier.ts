import { createLocalJWKSet, createRemoteJWKSet, errors, jwtVerify, type JSONWebKeySet, type JWTPayload } from "jose";
import { AuthError, type Identity } from "./identity.js";

/**
 * The one place bearer tokens are verified: signature against the issuer's
 * JWKS, issuer, audience, expiry, and an asymmetric algorithm (never `none`,
 * never a shared secret that a public JWKS could be confused with).
 */
export interface TokenVerifier {
  verify(token: string): Promise<Identity>;
}

export const ALLOWED_ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "EdDSA"];

export interface TokenVerifierOptions {
  issuer: string;
  audience: string;
  /** Remote JWKS (an IdP) or a key set held in process (the broker's own issuer). */
  keys: { jwksUrl: string } | { jwks: JSONWebKeySet };
  clockToleranceSeconds?: number;
  /** Completes the profile from the directory (Microsoft Graph for Entra); never throws. */
  enrich?: (identity: Identity, claims: JWTPayload) => Promise<Identity>;
}

export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  const keySet =
    "jwksUrl" in options.keys
      ? createRemoteJWKSet(new URL(options.keys.jwksUrl), { cooldownDuration: 30_000, timeoutDuration: 5_000 })
      : createLocalJWKSet(options.keys.jwks);
  return {
    async verify(token) {
      try {
        const { payload } = await jwtVerify(token, keySet, {
          issuer: options.issuer,
          audience: options.audience,
          algorithms: ALLOWED_ALGORITHMS,
          clockTolerance: options.clockToleranceSeconds ?? 30,
          requiredClaims: ["sub", "exp"],
        });
        const identity = identityFromClaims(payload);
        return options.enrich ? await options.enrich(identity, payload) : identity;
      } catch (error) {
        throw new AuthError(describe(error));
      }
    },
  };
}

const text = (value: unknown, fallback: string) => (typeof value === "string" && value ? value : fallback);
const strings = (value: unknown) => (Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : []);

/** Maps verified claims (the embedded IdP's or Entra ID's names) to an Identity. */
export function identityFromClaims(payload: JWTPayload): Identity {
  const userId = payload.sub!;
  const name = text(payload.name, userId);
  const tenantId = text(payload.tid, "default");
  return {
    userId,
    name,
    tenantId,
    profile: {
      userId,
      name,
      jobTitle: text(payload.job_title ?? payload.jobTitle, ""),
      company: text(payload.company ?? payload.companyName, ""),
      photoUrl: typeof payload.picture === "string" ? payload.picture : null,
      verifiedDomain: typeof payload.verified_domain === "string" ? payload.verified_domain : null,
      tenantName: text(payload.tenant_name, tenantId),
    },
    groups: strings(payload.groups),
    amr: strings(payload.amr),
  };
}

function describe(error: unknown): string {
  if (error instanceof errors.JWTExpired) return "the token has expired";
  if (error instanceof errors.JWTClaimValidationFailed) return `the token's ${error.claim} claim is not accepted`;
  if (error instanceof errors.JOSEAlgNotAllowed) return "the token's signing algorithm is not accepted";
  if (error instanceof errors.JWSSignatureVerificationFailed) return "the token's signature is not valid";
  if (error instanceof errors.JWKSNoMatchingKey) return "the token was not signed by a known key";
  if (error instanceof errors.JOSEError) return `the token is not valid (${error.code})`;
  return "the token could not be verified";
}
