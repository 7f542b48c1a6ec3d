import { registerDevice } from "../../src/main/device-enrollment.js";
import { newDeviceKey, signInWithDevice } from "../../tools/device-key.js";
import { api } from "./api.js";
import type { Person } from "./demo-people.js";
import type { IdpHarness } from "./idp-harness.js";

/**
 * A sharer as the desktop app connects: a registered device (enrolled with the
 * tenant's enrollment token, or not), proven on the connection. Registers with
 * the app's own code (`src/main/device-enrollment.ts`).
 */
export async function desktopSharer(h: IdpHarness, person: Person, o: { enrolled: boolean; osVersion?: string; admin: Person }) {
  const token = await h.desktopToken(person.username, person.password);
  const key = await newDeviceKey();
  const adminToken = await h.desktopToken(o.admin.username, o.admin.password);
  const enrollmentToken = o.enrolled ? (await api(h.origin, h.ca, adminToken, "POST", "/api/enrollment-token")).body.token : undefined;
  const facts = { platform: "macos" as const, osVersion: o.osVersion ?? "15.1", appVersion: "1.0.0" };
  await registerDevice({ wsUrl: h.wsUrl, ca: h.ca, accessToken: token, identity: key, name: `${person.username.split("@")[0]}'s MacBook`, facts, enrollmentToken });
  const { client } = await signInWithDevice(h.wsUrl, token, person.id, key, { ca: h.ca }, facts);
  return { client, deviceId: key.id };
}
