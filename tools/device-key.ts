import { generateKeyPairSync, sign, type KeyObject } from "node:crypto";
import { calculateJwkThumbprint } from "jose";
import { type DevicePublicKey, deviceProofText, PROTOCOL_VERSION } from "../src/protocol/index.js";
import { BrokerClient, type ClientOptions } from "./broker-client.js";

/**
 * A device key pair as the desktop app keeps one (P-256), and the proofs it
 * signs: for tests, the demo and benchmarks.
 */
export interface DeviceKey {
  id: string;
  publicKey: DevicePublicKey;
  prove(nonce: string, userId: string): string;
}

export async function newDeviceKey(): Promise<DeviceKey> {
  const { publicKey, privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const jwk = publicKey.export({ format: "jwk" }) as DevicePublicKey;
  const pub: DevicePublicKey = { kty: "EC", crv: "P-256", x: jwk.x, y: jwk.y };
  const id = await calculateJwkThumbprint(pub, "sha256");
  return { id, publicKey: pub, prove: (nonce, userId) => signProof(privateKey, deviceProofText(nonce, id, userId)) };
}

function signProof(privateKey: KeyObject, text: string): string {
  return sign("sha256", Buffer.from(text), { key: privateKey, dsaEncoding: "ieee-p1363" }).toString("base64url");
}

/** Connects and says hello proving the device (the desktop app's way). */
export async function signInWithDevice(url: string, token: string, userId: string, device: DeviceKey, options: ClientOptions = {}, facts?: { platform: "macos" | "windows" | "linux"; osVersion: string; appVersion: string }) {
  const client = await BrokerClient.connect(url, options);
  const { nonce } = await client.next("challenge");
  const welcome = await client.request({ type: "hello", protocol: PROTOCOL_VERSION, token, device: { deviceId: device.id, signature: device.prove(nonce, userId), facts } }, "welcome");
  client.startHeartbeats(welcome.heartbeatIntervalMs);
  return { client, welcome, nonce };
}
