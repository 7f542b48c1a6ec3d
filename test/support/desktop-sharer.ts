import { registerDevice } from "../../src/main/device-enrollment.js";
import { newDeviceKey, signInWithDevice } from "../../tools/device-key.js";
import { api } from "./api.js";
import { registerDevice as registerStandInDevice } from "../../tools/desktop-stand-in.js";
import { northwind, type Person } from "./demo-people.js";
import type { IdpHarness } from "./idp-harness.js";

/**
 * A sharer as the desktop app connects: a registered device (enrolled with the
 * tenant's enrollment token, or not), proven on the connection. Registers with
 * the app's own code (`src/main/device-enrollment.ts`).
 */
export async function desktopSharer(h: IdpHarness, person: Person, o: { enrolled: boolean; osVersion?: string; admin: Person; name?: string }) {
  const token = await h.desktopToken(person.username, person.password);
  const key = await newDeviceKey();
  const adminToken = await h.desktopToken(o.admin.username, o.admin.password);
  const enrollmentToken = o.enrolled ? (await api(h.origin, h.ca, adminToken, "POST", "/api/enrollment-token")).body.token : undefined;
  const facts = { platform: "macos" as const, osVersion: o.osVersion ?? "15.1", appVersion: "1.0.0" };
  await registerDevice({ wsUrl: h.wsUrl, ca: h.ca, accessToken: token, identity: key, name: o.name ?? `${person.username.split("@")[0]}'s MacBook`, facts, enrollmentToken });
  const { client } = await signInWithDevice(h.wsUrl, token, person.id, key, { ca: h.ca }, facts);
  return { client, deviceId: key.id };
}

/** Sam's desktop app device, registered with Northwind's enrollment token (what the app does on first start under an MDM). */
export async function enrolledDeviceOfSam(h: IdpHarness, name = "Sam's workstation") {
  const admin = await h.desktopToken(northwind.admin.username, northwind.admin.password);
  const enrollmentToken = (await api(h.origin, h.ca, admin, "POST", "/api/enrollment-token")).body.token as string;
  const sharerToken = await h.desktopToken(northwind.sharer.username, northwind.sharer.password);
  return registerStandInDevice({ wsUrl: h.wsUrl, ca: h.ca, sharerToken, enrollmentToken, name });
}
