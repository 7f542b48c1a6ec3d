import { randomBytes } from "node:crypto";
import { type AuthenticationResult, type AuthorizationCodeRequest, ConfidentialClientApplication, CryptoProvider } from "@azure/msal-node";
import type { Clock } from "../clock.js";
import type { TokenVerifier } from "../identity/token-verifier.js";
import type { IdpRecordStore } from "../store/store.js";
import { buildMsalConfig, type ConsoleSignIn } from "./msal-config.js";
import { readCookie, type WebSession, WebSessions } from "./web-sessions.js";

/**
 * The console's sign-in, backend-for-frontend style: the broker is the OAuth
 * client (auth code + PKCE through msal-node), keeps the tokens, and gives the
 * browser a session cookie. Access tokens are verified by the same
 * TokenVerifier as bearer tokens on the WebSocket.
 */
export interface ConsoleAuthOptions {
  signIn: ConsoleSignIn;
  verifier: TokenVerifier;
  origin: string;
  clock: Clock;
  sessionMaxAgeMs: number;
  /** Where console sessions and pending sign-ins are kept (shared by brokers on one database). */
  records: IdpRecordStore;
  /** Refresh this long before the access token expires. */
  refreshMarginMs?: number;
}

export class SignInError extends Error {
  override name = "SignInError";
}

export type ConsoleAuth = ReturnType<typeof createConsoleAuth>;

export function createConsoleAuth(o: ConsoleAuthOptions) {
  const client = new ConfidentialClientApplication(buildMsalConfig(o.signIn));
  const pkce = new CryptoProvider();
  const sessions = new WebSessions(o.records, o.clock, o.sessionMaxAgeMs);
  const redirectUri = `${o.origin}/auth/callback`;
  const secure = o.origin.startsWith("https:");
  const cookieName = secure ? "__Host-tandem_session" : "tandem_session";
  const refreshMarginMs = o.refreshMarginMs ?? 60_000;

  async function toSessionFields(result: AuthenticationResult | null) {
    if (!result?.accessToken || !result.account) throw new SignInError("the identity provider returned no access token");
    const identity = await o.verifier.verify(result.accessToken);
    const expiresAt = result.expiresOn?.getTime() ?? o.clock.now() + 5 * 60_000;
    // The refresh token goes with the session (so any broker can refresh it), not in this process's msal cache.
    const refreshToken = refreshTokenOf(client.getTokenCache().serialize(), result.account.homeAccountId);
    await client.getTokenCache().removeAccount(result.account);
    return { identity, accessToken: result.accessToken, expiresAt, refreshToken };
  }

  return {
    cookieName,

    /** Where to send the browser to sign in; `returnTo` must be a path on this site. */
    async startSignIn(returnTo: string): Promise<string> {
      const { verifier, challenge } = await pkce.generatePkceCodes();
      const state = randomBytes(24).toString("base64url");
      const nonce = randomBytes(24).toString("base64url");
      await sessions.begin(state, { codeVerifier: verifier, nonce, returnTo: safeReturnPath(returnTo) });
      return client.getAuthCodeUrl({ scopes: o.signIn.scopes, redirectUri, codeChallenge: challenge, codeChallengeMethod: "S256", state, nonce, responseMode: "query" });
    },

    async finishSignIn(code: string, state: string): Promise<{ session: WebSession; returnTo: string }> {
      const pending = await sessions.takePending(state);
      if (!pending) throw new SignInError("this sign-in has expired or was already used; start again");
      const result = await client
        .acquireTokenByCode({ code, scopes: o.signIn.scopes, redirectUri, codeVerifier: pending.codeVerifier, state, nonce: pending.nonce } as AuthorizationCodeRequest, { code, state })
        .catch((error: Error) => {
          throw new SignInError(`the identity provider refused the sign-in: ${error.message}`);
        });
      const session = await sessions.create({ ...(await toSessionFields(result)), idToken: result?.idToken ?? null });
      return { session, returnTo: pending.returnTo };
    },

    /** The signed-in session behind a Cookie header, its access token refreshed when near expiry. */
    async current(cookieHeader: string | undefined): Promise<WebSession | undefined> {
      const session = await sessions.get(readCookie(cookieHeader, cookieName));
      if (!session) return undefined;
      if (session.expiresAt - o.clock.now() > refreshMarginMs) return session;
      try {
        if (!session.refreshToken) throw new Error("no refresh token");
        const result = await client.acquireTokenByRefreshToken({ refreshToken: session.refreshToken, scopes: o.signIn.scopes });
        const fields = await toSessionFields(result);
        await sessions.update(session, { ...fields, refreshToken: fields.refreshToken ?? session.refreshToken });
        return session;
      } catch {
        await sessions.destroy(session.id); // the refresh token is gone or revoked: sign in again
        return undefined;
      }
    },

    /** Who a Cookie header belongs to, without refreshing anything (the HTTP limiter's key). */
    async peek(cookieHeader: string | undefined): Promise<WebSession["identity"] | undefined> {
      return (await sessions.get(readCookie(cookieHeader, cookieName)))?.identity;
    },

    /** Ends the console session; returns where the browser may go to end the IdP session too. */
    async signOut(session: WebSession): Promise<string | null> {
      await sessions.destroy(session.id);
      if (o.signIn.kind !== "embedded" || !session.idToken) return null;
      const end = new URL(`${o.signIn.issuer}/session/end`);
      end.searchParams.set("id_token_hint", session.idToken);
      end.searchParams.set("post_logout_redirect_uri", `${o.origin}/`);
      return end.toString();
    },

    sessionCookie(session: WebSession): string {
      const maxAge = Math.floor(o.sessionMaxAgeMs / 1000);
      return `${cookieName}=${session.id}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAge}${secure ? "; Secure" : ""}`;
    },

    clearedCookie(): string {
      return `${cookieName}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0${secure ? "; Secure" : ""}`;
    },
  };
}

/** The refresh token msal cached for an account, from its serialized cache. */
function refreshTokenOf(serializedCache: string, homeAccountId: string): string | null {
  const cache = JSON.parse(serializedCache) as { RefreshToken?: Record<string, { home_account_id?: string; secret?: string }> };
  return Object.values(cache.RefreshToken ?? {}).find((t) => t.home_account_id === homeAccountId)?.secret ?? null;
}

/** Only a path on this site: never `//host` or a full URL (no open redirect). */
export function safeReturnPath(returnTo: string): string {
  return /^\/(?![/\\])[^\s]*$/.test(returnTo) ? returnTo : "/";
}
