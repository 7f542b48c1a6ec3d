import Provider, { type Configuration, type KoaContextWithOIDC } from "oidc-provider";
import type { Directory, DirectoryUser } from "../directory.js";
import type { IdpKeys } from "./idp-keys.js";
import type { PhotoLinks } from "./photo-links.js";

/**
 * The embedded OpenID Connect provider, mounted at /idp. Two first-party
 * clients: the console (confidential, the broker's BFF) and the desktop app
 * (public, system browser + loopback redirect). Access tokens are JWTs for the
 * Tandem API audience and carry the directory profile the trust screen shows.
 */
export const API_AUDIENCE = "api://tandem";
export const API_SCOPE = "tandem";
export const CONSOLE_CLIENT_ID = "tandem-console";
export const DESKTOP_CLIENT_ID = "tandem-desktop";

export interface IdpOptions {
  issuer: string;
  /** Where the console lives, for its redirect URIs. */
  publicOrigin: string;
  directory: Directory;
  keys: IdpKeys;
  photos: PhotoLinks;
  behindProxy: boolean;
  accessTokenTtlSeconds: number;
  adapter: NonNullable<Configuration["adapter"]>;
}

export function profileClaims(user: DirectoryUser, directory: Directory, photos: PhotoLinks) {
  const tenant = directory.findTenant(user.tenant)!;
  const domain = user.username.split("@")[1] ?? "";
  return {
    name: user.displayName,
    preferred_username: user.username,
    job_title: user.jobTitle,
    company: user.company,
    picture: photos.path(user.id),
    tid: tenant.id,
    tenant_name: tenant.name,
    verified_domain: tenant.verifiedDomains.includes(domain) ? domain : null,
    groups: user.groups,
  };
}

export function createProvider(o: IdpOptions): Provider {
  const configuration: Configuration = {
    adapter: o.adapter,
    clients: [
      {
        client_id: CONSOLE_CLIENT_ID,
        client_secret: o.keys.consoleClientSecret,
        redirect_uris: [`${o.publicOrigin}/auth/callback`],
        post_logout_redirect_uris: [`${o.publicOrigin}/`],
        grant_types: ["authorization_code", "refresh_token"],
        response_types: ["code"],
        token_endpoint_auth_method: "client_secret_post",
      },
      {
        client_id: DESKTOP_CLIENT_ID,
        application_type: "native",
        // RFC 8252 loopback redirects, any port: msal-node listens on 127.0.0.1 and names it "localhost".
        redirect_uris: ["http://127.0.0.1/callback", "http://localhost"],
        grant_types: ["authorization_code", "refresh_token"],
        response_types: ["code"],
        token_endpoint_auth_method: "none",
      },
    ],
    jwks: { keys: o.keys.signingKeys as never },
    cookies: { keys: o.keys.cookieKeys },
    pkce: { required: () => true },
    scopes: ["openid", "profile", "offline_access"], // plus the API's resource scope, see resourceIndicators
    claims: { openid: ["sub"], profile: ["name", "preferred_username", "job_title", "company", "picture", "tid", "tenant_name", "verified_domain", "groups"] },
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: async () => API_AUDIENCE,
        useGrantedResource: async () => true,
        getResourceServerInfo: async (_ctx, resource) => {
          if (resource !== API_AUDIENCE) throw new Error("unknown resource");
          return { scope: `openid profile offline_access ${API_SCOPE}`, audience: API_AUDIENCE, accessTokenFormat: "jwt", accessTokenTTL: o.accessTokenTtlSeconds, jwt: { sign: { alg: "ES256" } } };
        },
      },
    },
    findAccount: async (_ctx, sub) => {
      const user = o.directory.findUser(sub);
      if (!user) return undefined;
      return { accountId: sub, claims: async () => ({ sub, ...profileClaims(user, o.directory, o.photos) }) };
    },
    extraTokenClaims: async (ctx: KoaContextWithOIDC, token) => {
      if (!("accountId" in token) || !token.accountId) return undefined;
      const user = o.directory.findUser(token.accountId as string);
      if (!user) return undefined;
      const { AuthorizationCode, RefreshToken } = ctx.oidc.entities;
      const amr = AuthorizationCode?.amr ?? RefreshToken?.amr ?? [];
      return { ...profileClaims(user, o.directory, o.photos), amr };
    },
    // Both clients are Tandem's own: signing in is consent enough.
    loadExistingGrant: async (ctx) => {
      const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session!.grantIdFor(ctx.oidc.client!.clientId);
      const existing = grantId ? await ctx.oidc.provider.Grant.find(grantId) : undefined;
      if (existing) return existing;
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client!.clientId, accountId: ctx.oidc.session!.accountId! });
      grant.addOIDCScope("openid profile offline_access");
      grant.addResourceScope(API_AUDIENCE, `openid profile offline_access ${API_SCOPE}`);
      await grant.save();
      return grant;
    },
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed("refresh_token"),
    interactions: { url: async (_ctx, interaction) => `/idp/interaction/${interaction.uid}` },
    ttl: { AccessToken: o.accessTokenTtlSeconds, AuthorizationCode: 60, IdToken: 3600, RefreshToken: 8 * 3600, Interaction: 600, Session: 8 * 3600, Grant: 8 * 3600 },
    renderError: async (ctx, out) => {
      ctx.type = "html";
      ctx.body = `<!doctype html><meta charset="utf-8"><title>Sign-in error</title><h1>Sign-in could not finish</h1><p>${escapeHtml(String(out.error_description ?? out.error))}</p>`;
    },
  };
  const provider = new Provider(o.issuer, configuration);
  provider.proxy = o.behindProxy;
  return provider;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}
