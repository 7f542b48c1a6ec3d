import { createHmac, createSecretKey, timingSafeEqual } from "node:crypto";

/**
 * Photo addresses are capabilities: the path carries an HMAC of the user id
 * under a key shared by the brokers, so only someone handed a profile (in a
 * token, or as a party of a session) can fetch that photo, and ids cannot be
 * walked to read every tenant's names. A cookie check would not do: the
 * desktop app's <img> carries no console cookie.
 */
export function createPhotoLinks(key: string) {
  const secret = createSecretKey(Buffer.from(key)); // made once: a raw key is prepared anew on every HMAC
  const mac = (userId: string) => createHmac("sha256", secret).update(`photo:${userId}`).digest("base64url").slice(0, 22);
  return {
    path: (userId: string) => `/idp/photos/${encodeURIComponent(userId)}.svg?sig=${mac(userId)}`,
    valid(userId: string, sig: string | null): boolean {
      const expected = Buffer.from(mac(userId));
      const given = Buffer.from(sig ?? "");
      return given.length === expected.length && timingSafeEqual(given, expected);
    },
  };
}
export type PhotoLinks = ReturnType<typeof createPhotoLinks>;
