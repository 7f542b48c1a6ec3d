import { type DeviceIdentity, identityFromKey, newDeviceKey as newKey } from "../src/main/device-identity.js";
import { PROTOCOL_VERSION } from "../src/protocol/index.js";
import { BrokerClient, type ClientOptions } from "./broker-client.js";

/** A device key pair as the desktop app keeps one (the app's own code, without the keystore): for tests, the demo and benchmarks. */
export type DeviceKey = DeviceIdentity;

export const newDeviceKey = (): Promise<DeviceKey> => identityFromKey(newKey());

/** Connects and says hello proving the device (the desktop app's way). */
export async function signInWithDevice(url: string, token: string, userId: string, device: DeviceKey, options: ClientOptions = {}, facts?: { platform: "macos" | "windows" | "linux"; osVersion: string; appVersion: string }) {
  const client = await BrokerClient.connect(url, options);
  const { nonce } = await client.next("challenge");
  const welcome = await client.request({ type: "hello", protocol: PROTOCOL_VERSION, token, device: { deviceId: device.id, signature: device.prove(nonce, userId), facts } }, "welcome");
  client.startHeartbeats(welcome.heartbeatIntervalMs);
  return { client, welcome, nonce };
}
