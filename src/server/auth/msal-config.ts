import { type Configuration, LogLevel, ProtocolMode } from "@azure/msal-node";
import { caTrustingNetworkClient } from "../../node-shared/ca-network-client.js";

/**
 * The console's confidential-client settings for msal-node: against the
 * embedded IdP (OIDC mode, its authority trusted explicitly) or against
 * Microsoft Entra ID (AAD mode). Pure, so both are tested without a network.
 */
export type ConsoleSignIn =
  | { kind: "embedded"; issuer: string; clientId: string; clientSecret: string; ca?: string; scopes: string[] }
  | { kind: "entra"; authority: string; clientId: string; clientSecret: string; scopes: string[] };

export function buildMsalConfig(signIn: ConsoleSignIn): Configuration {
  const loggerOptions = { logLevel: LogLevel.Warning, piiLoggingEnabled: false, loggerCallback: () => undefined };
  if (signIn.kind === "entra") {
    return {
      auth: { clientId: signIn.clientId, clientSecret: signIn.clientSecret, authority: signIn.authority },
      system: { protocolMode: ProtocolMode.AAD, loggerOptions },
    };
  }
  const issuer = new URL(signIn.issuer);
  return {
    auth: {
      clientId: signIn.clientId,
      clientSecret: signIn.clientSecret,
      authority: signIn.issuer,
      // msal accepts a non-Microsoft authority only when it is named, port included.
      knownAuthorities: [issuer.host],
      authorityMetadata: undefined,
    },
    system: {
      protocolMode: ProtocolMode.OIDC,
      loggerOptions,
      ...(signIn.ca ? { networkClient: caTrustingNetworkClient(signIn.ca) } : {}),
    },
  };
}

/** Entra's authority for a tenant (id or domain), e.g. https://login.microsoftonline.com/contoso.onmicrosoft.com. */
export function entraAuthority(tenant: string, cloud = "https://login.microsoftonline.com"): string {
  if (!/^[\w.-]+$/.test(tenant)) throw new Error(`not a tenant id or domain: ${tenant}`);
  return `${cloud}/${tenant}`;
}
