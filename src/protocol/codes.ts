/**
 * Session codes: 8 characters of Crockford base32 (40 bits). Humans read them
 * aloud and type them, so input is forgiving: case-insensitive, o→0, i/l→1,
 * and spaces or hyphens are ignored.
 */
export const CODE_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";
export const CODE_LENGTH = 8;

const CODE_PATTERN = new RegExp(`^[${CODE_ALPHABET}]{${CODE_LENGTH}}$`);

/** Returns the canonical code, or null when the input cannot be a code. */
export function normalizeCode(input: string): string | null {
  const canonical = input
    .trim()
    .toLowerCase()
    .replace(/[\s-]/g, "")
    .replace(/o/g, "0")
    .replace(/[il]/g, "1");
  return CODE_PATTERN.test(canonical) ? canonical : null;
}

/** Encodes 5 bytes (40 bits) as a code; the caller brings the randomness. */
export function encodeCode(bytes: Uint8Array): string {
  if (bytes.length !== 5) throw new RangeError("a code is made of exactly 5 bytes");
  let bits = 0n;
  for (const byte of bytes) bits = (bits << 8n) | BigInt(byte);
  let code = "";
  for (let i = CODE_LENGTH - 1; i >= 0; i--) code += CODE_ALPHABET[Number((bits >> BigInt(i * 5)) & 31n)];
  return code;
}

/** The sharer's link for a code, relative to the broker's origin. */
export function sharerLinkPath(code: string): string {
  return `/s?code=${code}`;
}
