/**
 * The code two people read to each other on the phone to know nobody sits in
 * the middle of their peer connection, not even the broker: both DTLS
 * certificate fingerprints as each side sees them (its own from its local
 * description, the other's from the remote one), sorted so both sides hash the
 * same input. A man in the middle must present its own certificate to each
 * side, so each side then hashes a different pair.
 */
export function dtlsFingerprintOf(sdp: string): string | null {
  const line = /^a=fingerprint:(\S+) ([0-9A-Fa-f:]+)\s*$/m.exec(sdp);
  return line ? `${line[1]!.toLowerCase()} ${line[2]!.toUpperCase()}` : null;
}

/** Six digits in two groups of three, e.g. "482 913". */
export async function verificationCode(localSdp: string, remoteSdp: string): Promise<string | null> {
  const local = dtlsFingerprintOf(localSdp);
  const remote = dtlsFingerprintOf(remoteSdp);
  if (!local || !remote) return null;
  const input = new TextEncoder().encode(`tandem-verify/v1|${[local, remote].sort().join("|")}`);
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", input));
  const number = ((digest[0]! << 24) | (digest[1]! << 16) | (digest[2]! << 8) | digest[3]!) >>> 0;
  const digits = String(number % 1_000_000).padStart(6, "0");
  return `${digits.slice(0, 3)} ${digits.slice(3)}`;
}
