import { type AccountInfo, type Configuration, type ICachePlugin, LogLevel, PublicClientApplication, ProtocolMode, type TokenCacheContext } from "@azure/msal-node";
import { caTrustingNetworkClient } from "../node-shared/ca-network-client.js";
import type { SecureFile } from "./secure-file.js";

/**
 * The sharer signs in to their organisation from the desktop app as a public
 * client: the system browser opens the IdP, msal-node's loopback server on
 * 127.0.0.1 takes the redirect (auth code + PKCE). The token cache (refresh
 * tokens) is written only encrypted by the OS keystore. Against the embedded
 * IdP (OIDC mode) or Microsoft Entra ID (AAD mode), by configuration.
 */
export type DesktopSignInConfig =
  | { kind: "embedded"; issuer: string; clientId: string; scopes: string[]; ca?: string }
  | { kind: "entra"; authority: string; clientId: string; scopes: string[] };

/** Which identity provider the app signs in at: Entra ID when the managed configuration names a tenant and app, else the broker's embedded IdP. */
export function signInFrom(managed: { EntraTenant?: string; EntraClientId?: string; EntraScope?: string }, brokerOrigin: string, ca?: string): DesktopSignInConfig {
  if (managed.EntraTenant && managed.EntraClientId) {
    return { kind: "entra", authority: `https://login.microsoftonline.com/${managed.EntraTenant}`, clientId: managed.EntraClientId, scopes: [managed.EntraScope ?? `api://${managed.EntraClientId}/tandem`] };
  }
  return { kind: "embedded", issuer: `${brokerOrigin}/idp`, clientId: "tandem-desktop", scopes: ["tandem"], ...(ca ? { ca } : {}) };
}

export function desktopMsalConfig(signIn: DesktopSignInConfig, cachePlugin?: ICachePlugin): Configuration {
  const loggerOptions = { logLevel: LogLevel.Warning, piiLoggingEnabled: false, loggerCallback: () => undefined };
  const cache = cachePlugin ? { cachePlugin } : {};
  if (signIn.kind === "entra") return { auth: { clientId: signIn.clientId, authority: signIn.authority }, cache, system: { protocolMode: ProtocolMode.AAD, loggerOptions } };
  return {
    auth: { clientId: signIn.clientId, authority: signIn.issuer, knownAuthorities: [new URL(signIn.issuer).host] },
    cache,
    system: { protocolMode: ProtocolMode.OIDC, loggerOptions, ...(signIn.ca ? { networkClient: caTrustingNetworkClient(signIn.ca) } : {}) },
  };
}

/** msal's cache, kept in a keystore-encrypted file. */
export function encryptedCachePlugin(file: SecureFile): ICachePlugin {
  return {
    async beforeCacheAccess(context: TokenCacheContext) {
      const stored = await file.read().catch(() => null); // unreadable (keystore gone): sign in again
      if (stored) context.tokenCache.deserialize(stored);
    },
    async afterCacheAccess(context: TokenCacheContext) {
      // No keystore: the sign-in holds for this run only rather than being written in the clear.
      if (context.cacheHasChanged) await file.write(context.tokenCache.serialize()).catch(() => undefined);
    },
  };
}

const SIGNED_IN_PAGE = `<!doctype html><meta charset="utf-8"><title>Tandem</title><body style="font:16px system-ui;margin:3rem"><h1>You are signed in to Tandem</h1><p>You can close this tab and go back to the app.</p>`;
const FAILED_PAGE = `<!doctype html><meta charset="utf-8"><title>Tandem</title><body style="font:16px system-ui;margin:3rem"><h1>Sign-in did not finish</h1><p>Go back to the Tandem app and try again.</p>`;

export function createDesktopSignIn(signIn: DesktopSignInConfig, o: { cache: SecureFile; openBrowser: (url: string) => Promise<void> }) {
  const app = new PublicClientApplication(desktopMsalConfig(signIn, encryptedCachePlugin(o.cache)));
  const account = async (): Promise<AccountInfo | null> => (await app.getTokenCache().getAllAccounts())[0] ?? null;
  // The last token this run got, for when nothing could be cached (no keystore): valid until a minute before it expires.
  let last: { accessToken: string; expiresOn: number } | null = null;
  return {
    /** A token without asking, from the cache (refreshed if needed); null when the sharer must sign in. */
    async silentToken(): Promise<string | null> {
      const who = await account();
      const result = who ? await app.acquireTokenSilent({ account: who, scopes: signIn.scopes }).catch(() => null) : null;
      if (result) return result.accessToken;
      return last && last.expiresOn - 60_000 > Date.now() ? last.accessToken : null;
    },
    /** Opens the system browser at the IdP and waits for the loopback redirect. */
    async interactiveToken(): Promise<{ accessToken: string; name: string | undefined }> {
      const result = await app.acquireTokenInteractive({ scopes: signIn.scopes, openBrowser: o.openBrowser, successTemplate: SIGNED_IN_PAGE, errorTemplate: FAILED_PAGE });
      last = { accessToken: result.accessToken, expiresOn: result.expiresOn?.getTime() ?? Date.now() + 5 * 60_000 };
      return { accessToken: result.accessToken, name: result.account?.name };
    },
    async signOut(): Promise<void> {
      const who = await account();
      last = null;
      if (who) await app.getTokenCache().removeAccount(who);
      await o.cache.remove();
    },
  };
}
