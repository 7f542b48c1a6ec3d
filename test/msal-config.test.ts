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
