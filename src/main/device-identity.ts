import { createPrivateKey, generateKeyPairSync, type KeyObject, sign } from "node:crypto";
import { calculateJwkThumbprint } from "jose";
import { type DevicePublicKey, deviceProofText } from "../protocol/index.js";
import type { SecureFile } from "./secure-file.js";

/**
 * The device's key pair (P-256), generated once on first run and kept in the
 * OS keystore. Its public key's JWK thumbprint is the device id the broker
 * knows; the private key never leaves this process: it signs the broker's
 * per-connection challenge.
 */
export interface DeviceIdentity {
  id: string;
  publicKey: DevicePublicKey;
  prove(nonce: string, userId: string): string;
}

export async function identityFromKey(privateKey: KeyObject): Promise<DeviceIdentity> {
  const jwk = privateKey.export({ format: "jwk" }) as DevicePublicKey;
  const publicKey: DevicePublicKey = { kty: "EC", crv: "P-256", x: jwk.x, y: jwk.y };
  const id = await calculateJwkThumbprint(publicKey, "sha256");
  return {
    id,
    publicKey,
    prove: (nonce, userId) => sign("sha256", Buffer.from(deviceProofText(nonce, id, userId)), { key: privateKey, dsaEncoding: "ieee-p1363" }).toString("base64url"),
  };
}

export function newDeviceKey(): KeyObject {
  return generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey;
}

/** The stored identity, or a new one written to the keystore first (a device whose key cannot be kept is not registered twice by accident). */
export async function loadOrCreateIdentity(store: SecureFile): Promise<{ identity: DeviceIdentity; created: boolean }> {
  const stored = await store.read();
  if (stored) return { identity: await identityFromKey(createPrivateKey({ key: JSON.parse(stored) as import("node:crypto").JsonWebKey, format: "jwk" })), created: false };
  const key = newDeviceKey();
  await store.write(JSON.stringify(key.export({ format: "jwk" })));
  return { identity: await identityFromKey(key), created: true };
}
