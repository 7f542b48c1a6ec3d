import { createLocalJWKSet, type JSONWebKeySet, jwtVerify } from "jose";
import { CONTROL_GRANT_AUDIENCE, ControlGrantClaims, type Level, type LocalConsent, type Party } from "../protocol/index.js";

/**
 * Full control starts on the sharer's machine, not in a page: the page hands
 * main the broker's signed offer (`session.control_grant`); main checks the
 * signature against the broker's published key, the audience, the expiry and
 * that it was not used before, then asks the sharer in a prompt it draws
 * itself (a native dialog), naming the helper and the level. Only Allow there
 * opens the relay for that session. A forged, expired, replayed or other
 * sharer's grant never reaches the prompt.
 */
export type ConsentPrompt = (request: { helper: Party; level: Level; sessionId: string }) => Promise<boolean>;

export type ConsentRefusal = "malformed" | "bad_signature" | "expired" | "wrong_sharer" | "replayed" | "not_control" | "prompt_open" | "declined" | "keys_unavailable";

/** Grant ids remembered against replay (they expire within minutes; more than this at once is not a person clicking). */
const MAX_REMEMBERED = 1000;

export function createControlConsent(o: {
  /** The broker's issuer (its origin), as it signs. */
  issuer: string;
  /** The broker's published key set (CONTROL_GRANT_KEYS_PATH), fetched over the pinned connection. */
  fetchKeys(): Promise<unknown>;
  ask: ConsentPrompt;
  relay: { consented(consent: LocalConsent): void };
  /** The signed-in sharer, when main knows it: a grant for somebody else is refused. */
  sharerId?: () => string | null;
  now?: () => number;
  log?: (refusal: ConsentRefusal, detail: string) => void;
}) {
  let keys: ReturnType<typeof createLocalJWKSet> | null = null;
  const used = new Set<string>();
  let prompting = false;
  const refuse = (refusal: ConsentRefusal, detail = "") => {
    o.log?.(refusal, detail);
    return { allowed: false as const, refusal };
  };

  async function verify(grant: string, refetched = false): Promise<ControlGrantClaims | ConsentRefusal> {
    try {
      keys ??= createLocalJWKSet((await o.fetchKeys()) as JSONWebKeySet);
    } catch {
      return "keys_unavailable";
    }
    try {
      const { payload } = await jwtVerify(grant, keys, { issuer: o.issuer, audience: CONTROL_GRANT_AUDIENCE, algorithms: ["ES256"], currentDate: new Date(o.now?.() ?? Date.now()) });
      const claims = ControlGrantClaims.safeParse(payload);
      return claims.success ? claims.data : "malformed";
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === "ERR_JWT_EXPIRED") return "expired";
      // The broker may have a new key since we fetched: fetch once more before refusing.
      if (code === "ERR_JWKS_NO_MATCHING_KEY" && !refetched) {
        keys = null;
        return verify(grant, true);
      }
      return code === "ERR_JWS_INVALID" || code === "ERR_JWT_INVALID" ? "malformed" : "bad_signature";
    }
  }

  return {
    /** From the page: the broker's grant. True only when the sharer clicked Allow in main's prompt. */
    async confirm(raw: unknown): Promise<{ allowed: true } | { allowed: false; refusal: ConsentRefusal }> {
      if (typeof raw !== "string" || raw.length > 8192) return refuse("malformed");
      const claims = await verify(raw);
      if (typeof claims === "string") return refuse(claims);
      const me = o.sharerId?.();
      if (me && claims.sub !== me) return refuse("wrong_sharer", claims.sub);
      if (used.has(claims.jti)) return refuse("replayed", claims.jti);
      if (claims.lvl !== "control") return refuse("not_control");
      if (prompting) return refuse("prompt_open");
      used.add(claims.jti);
      if (used.size > MAX_REMEMBERED) used.delete(used.values().next().value!);
      prompting = true;
      try {
        if (!(await o.ask({ helper: claims.helper, level: claims.lvl, sessionId: claims.sid }))) return refuse("declined");
      } finally {
        prompting = false;
      }
      o.relay.consented({ sessionId: claims.sid, level: "control" });
      return { allowed: true };
    },
  };
}
export type ControlConsent = ReturnType<typeof createControlConsent>;
