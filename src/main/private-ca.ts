import { X509Certificate } from "node:crypto";

/**
 * An organisation may run its broker behind a private certificate authority
 * (the embedded default makes one), which the OS does not trust. When the
 * managed configuration names that CA, the app trusts certificates it issued
 * for the broker's host, within their validity, and nothing else beyond what
 * Chromium already trusts.
 */
export function issuedByPrivateCa(leafPem: string, caPem: string, host: string, now = Date.now()): boolean {
  try {
    const leaf = new X509Certificate(leafPem);
    const ca = new X509Certificate(caPem);
    const signedByCa = leaf.checkIssued(ca) && leaf.verify(ca.publicKey);
    const forHost = /^[\d.]+$|:/.test(host) ? leaf.checkIP(host.replace(/^\[|\]$/g, "")) !== undefined : leaf.checkHost(host) !== undefined;
    const current = Date.parse(leaf.validFrom) <= now && now <= Date.parse(leaf.validTo);
    return signedByCa && forHost && current;
  } catch {
    return false;
  }
}
