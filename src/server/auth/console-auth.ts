import { randomBytes } from "node:crypto";
import { type AuthenticationResult, type AuthorizationCodeRequest, ConfidentialClientApplication, CryptoProvider } from "@azure/msal-node";
import type { Clock } from "../clock.js";
import type { TokenVerifier } from "../identity/token-verifier.js";
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
  const sessions = new WebSessions(o.clock, o.sessionMaxAgeMs);
  const redirectUri = `${o.origin}/auth/callback`;
  const secure = o.origin.startsWith("https:");
  const cookieName = secure ? "__Host-tandem_session" : "tandem_session";
  const idTokens = new Map<string, string>(); // session id → id token, for the IdP's end-session hint
  const refreshMarginMs = o.refreshMarginMs ?? 60_000;

  async function toSessionFields(result: AuthenticationResult | null) {
    if (!result?.accessToken || !result.account) throw new SignInError("the identity provider returned no access token");
    const identity = await o.verifier.verify(result.accessToken);
    const expiresAt = result.expiresOn?.getTime() ?? o.clock.now() + 5 * 60_000;
    return { identity, accessToken: result.accessToken, expiresAt, account: result.account };
  }

  return {
    cookieName,

    /** Where to send the browser to sign in; `returnTo` must be a path on this site. */
    async startSignIn(returnTo: string): Promise<string> {
      const { verifier, challenge } = await pkce.generatePkceCodes();
      const state = randomBytes(24).toString("base64url");
      const nonce = randomBytes(24).toString("base64url");
      sessions.begin(state, { codeVerifier: verifier, nonce, returnTo: safeReturnPath(returnTo) });
      return client.getAuthCodeUrl({ scopes: o.signIn.scopes, redirectUri, codeChallenge: challenge, codeChallengeMethod: "S256", state, nonce, responseMode: "query" });
    },

    async finishSignIn(code: string, state: string): Promise<{ session: WebSession; returnTo: string }> {
      const pending = sessions.takePending(state);
      if (!pending) throw new SignInError("this sign-in has expired or was already used; start again");
      const result = await client
        .acquireTokenByCode({ code, scopes: o.signIn.scopes, redirectUri, codeVerifier: pending.codeVerifier, state, nonce: pending.nonce } as AuthorizationCodeRequest, { code, state })
        .catch((error: Error) => {
          throw new SignInError(`the identity provider refused the sign-in: ${error.message}`);
        });
      const session = sessions.create(await toSessionFields(result));
      if (result.idToken) idTokens.set(session.id, result.idToken);
      return { session, returnTo: pending.returnTo };
    },

    /** The signed-in session behind a Cookie header, its access token refreshed when near expiry. */
    async current(cookieHeader: string | undefined): Promise<WebSession | undefined> {
      const session = sessions.get(readCookie(cookieHeader, cookieName));
      if (!session) return undefined;
      if (session.expiresAt - o.clock.now() > refreshMarginMs) return session;
      try {
        const result = await client.acquireTokenSilent({ account: session.account, scopes: o.signIn.scopes, forceRefresh: true });
        sessions.update(session, await toSessionFields(result));
        return session;
      } catch {
        sessions.destroy(session.id); // the refresh token is gone or revoked: sign in again
        idTokens.delete(session.id);
        return undefined;
      }
    },

    /** Ends the console session; returns where the browser may go to end the IdP session too. */
    signOut(session: WebSession): string | null {
      sessions.destroy(session.id);
      const idToken = idTokens.get(session.id);
      idTokens.delete(session.id);
      if (o.signIn.kind !== "embedded" || !idToken) return null;
      const end = new URL(`${o.signIn.issuer}/session/end`);
      end.searchParams.set("id_token_hint", idToken);
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

/** Only a path on this site: never `//host` or a full URL (no open redirect). */
export function safeReturnPath(returnTo: string): string {
  return /^\/(?![/\\])[^\s]*$/.test(returnTo) ? returnTo : "/";
}
