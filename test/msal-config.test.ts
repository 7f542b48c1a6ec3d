import { ProtocolMode } from "@azure/msal-node";
import { describe, expect, it } from "vitest";
import { buildMsalConfig, entraAuthority } from "../src/server/auth/msal-config.js";
import { safeReturnPath } from "../src/server/auth/console-auth.js";

describe("msal-node configuration for the console", () => {
  it("against Entra ID: AAD mode, the tenant's authority, Node's own trust store", () => {
    const config = buildMsalConfig({ kind: "entra", authority: entraAuthority("contoso.onmicrosoft.com"), clientId: "app-id", clientSecret: "s3cret", scopes: ["api://app-id/access_as_user"] });
    expect(config.auth).toMatchObject({ clientId: "app-id", clientSecret: "s3cret", authority: "https://login.microsoftonline.com/contoso.onmicrosoft.com" });
    expect(config.auth.knownAuthorities).toBeUndefined();
    expect(config.system?.protocolMode).toBe(ProtocolMode.AAD);
    expect(config.system?.networkClient).toBeUndefined();
  });

  it("against the embedded IdP: OIDC mode, the authority named with its port, the local CA trusted", () => {
    const config = buildMsalConfig({ kind: "embedded", issuer: "https://localhost:8443/idp", clientId: "tandem-console", clientSecret: "x", ca: "-----BEGIN CERTIFICATE-----", scopes: ["tandem"] });
    expect(config.auth).toMatchObject({ authority: "https://localhost:8443/idp", knownAuthorities: ["localhost:8443"] });
    expect(config.system?.protocolMode).toBe(ProtocolMode.OIDC);
    expect(config.system?.networkClient).toBeDefined();
  });

  it("is chosen from the environment: TANDEM_OIDC_AUTHORITY or TANDEM_ENTRA_TENANT, refused when half configured", async () => {
    const { configFromEnv } = await import("../src/server/config.js");
    const entra = {
      TANDEM_OIDC_AUTHORITY: "https://login.microsoftonline.com/contoso.onmicrosoft.com",
      TANDEM_OIDC_CLIENT_ID: "app-id",
      TANDEM_OIDC_CLIENT_SECRET: "s3cret",
      TANDEM_OIDC_SCOPES: "api://app-id/access_as_user",
      TANDEM_JWKS_URL: "https://login.microsoftonline.com/contoso.onmicrosoft.com/discovery/v2.0/keys",
      TANDEM_JWT_ISSUER: "https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0",
      TANDEM_JWT_AUDIENCE: "api://app-id",
    };
    expect(configFromEnv(entra)).toMatchObject({ oidcAuthority: entra.TANDEM_OIDC_AUTHORITY, oidcClientId: "app-id" });
    expect(() => configFromEnv({ TANDEM_OIDC_AUTHORITY: entra.TANDEM_OIDC_AUTHORITY })).toThrow(/needs TANDEM_OIDC_CLIENT_ID/);
    expect(() => configFromEnv({ ...entra, TANDEM_OIDC_AUTHORITY: "http://login.example/tenant" })).toThrow(/TANDEM_OIDC_AUTHORITY/);
  });

  it("refuses a tenant that is not an id or a domain", () => {
    expect(() => entraAuthority("contoso/../evil")).toThrow();
    expect(entraAuthority("72f988bf-86f1-41af-91ab-2d7cd011db47")).toBe("https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47");
  });

  it.each([
    ["/sessions", "/sessions"],
    ["/admin/roles?x=1", "/admin/roles?x=1"],
    ["//evil.example", "/"],
    ["/\\evil.example", "/"],
    ["https://evil.example/", "/"],
    ["javascript:alert(1)", "/"],
  ])("sends the browser back only to a path on this site: %s → %s", (asked, used) => {
    expect(safeReturnPath(asked)).toBe(used);
  });
});
