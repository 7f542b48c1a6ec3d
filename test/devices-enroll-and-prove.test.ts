import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROTOCOL_VERSION } from "../src/protocol/index.js";
import { BrokerClient } from "../tools/broker-client.js";
import { type DeviceKey, newDeviceKey, signInWithDevice } from "../tools/device-key.js";
import { api } from "./support/api.js";
import { fabrikam, northwind } from "./support/demo-people.js";
import { type IdpHarness, startIdpHarness } from "./support/idp-harness.js";
import { refusal } from "./support/session-steps.js";

describe("devices: enrollment, proof on every connection, compliance for the helper", () => {
  let h: IdpHarness;
  let admin: string;
  let sharer: string;
  let enrollmentToken: string;

  beforeAll(async () => {
    h = await startIdpHarness();
    admin = await h.desktopToken(northwind.admin.username, northwind.admin.password);
    sharer = await h.desktopToken(northwind.sharer.username, northwind.sharer.password);
    enrollmentToken = (await api(h.origin, h.ca, admin, "POST", "/api/enrollment-token")).body.token;
  });
  afterAll(() => h.close());

  async function register(token: string, userId: string, key: DeviceKey, enrollment?: string, osVersion = "15.1") {
    const client = await BrokerClient.signIn(h.wsUrl, token, { ca: h.ca });
    const { nonce } = await client.next("challenge");
    const result = await refusal(
      client
        .request({ type: "device.register", name: "Test Mac", publicKey: key.publicKey, facts: { platform: "macos", osVersion, appVersion: "1.0.0" }, enrollmentToken: enrollment, signature: key.prove(nonce, userId) }, "device.registered")
        .then((r) => {
          if (!r.enrolled) throw Object.assign(new Error("unenrolled"), { code: "registered-unenrolled" });
          return r;
        }),
    );
    client.kill();
    return result;
  }

  it("registers with the tenant's enrollment token as enrolled, without it as unenrolled, with a wrong one not at all", async () => {
    expect(await register(sharer, northwind.sharer.id, await newDeviceKey(), enrollmentToken)).toBe("accepted");
    expect(await register(sharer, northwind.sharer.id, await newDeviceKey())).toBe("registered-unenrolled");
    expect(await register(sharer, northwind.sharer.id, await newDeviceKey(), "x".repeat(43))).toBe("forbidden");
    const other = await h.desktopToken(fabrikam.sharer.username, fabrikam.sharer.password);
    expect(await register(other, fabrikam.sharer.id, await newDeviceKey(), enrollmentToken)).toBe("forbidden"); // another tenant's token
  });

  it("refuses a registration whose signature is not made with the key it registers", async () => {
    const [key, impostor] = [await newDeviceKey(), await newDeviceKey()];
    expect(await register(sharer, northwind.sharer.id, { ...key, prove: impostor.prove }, enrollmentToken)).toBe("unauthenticated");
  });

  it("a device proves itself per connection; a replayed or forged proof is refused", async () => {
    const key = await newDeviceKey();
    await register(sharer, northwind.sharer.id, key, enrollmentToken);
    const { client, welcome, nonce } = await signInWithDevice(h.wsUrl, sharer, northwind.sharer.id, key, { ca: h.ca });
    expect(welcome.device).toEqual({ deviceId: key.id, enrolled: true });
    client.kill();

    const replay = await BrokerClient.connect(h.wsUrl, { ca: h.ca });
    await replay.next("challenge");
    replay.send({ type: "hello", protocol: PROTOCOL_VERSION, token: sharer, device: { deviceId: key.id, signature: key.prove(nonce, northwind.sharer.id) } });
    expect(await replay.next("error")).toMatchObject({ code: "unauthenticated", message: "the device could not prove its identity" });

    const forger = await BrokerClient.connect(h.wsUrl, { ca: h.ca });
    const fresh = (await forger.next("challenge")).nonce;
    forger.send({ type: "hello", protocol: PROTOCOL_VERSION, token: sharer, device: { deviceId: key.id, signature: (await newDeviceKey()).prove(fresh, northwind.sharer.id) } });
    expect(await forger.next("error")).toMatchObject({ code: "unauthenticated", message: "the device could not prove its identity" });

    // A device id nobody registered gets the very same answer: no oracle for which devices exist.
    const unknown = await BrokerClient.connect(h.wsUrl, { ca: h.ca });
    const n3 = (await unknown.next("challenge")).nonce;
    unknown.send({ type: "hello", protocol: PROTOCOL_VERSION, token: sharer, device: { deviceId: "A".repeat(43), signature: key.prove(n3, northwind.sharer.id) } });
    expect(await unknown.next("error")).toMatchObject({ code: "unauthenticated", message: "the device could not prove its identity" });
  });

  it("the helper sees enrollment and compliance with reasons before asking; warnings do not block", async () => {
    expect((await api(h.origin, h.ca, admin, "PUT", "/api/compliance-rules", { minOsVersion: { macos: "15.0" }, minAppVersion: "1.1.0" })).status).toBe(200);
    const key = await newDeviceKey();
    await register(sharer, northwind.sharer.id, key, enrollmentToken, "14.6");
    const helper = await h.desktopClient(northwind.operator.username, northwind.operator.password);
    const { client: sam } = await signInWithDevice(h.wsUrl, sharer, northwind.sharer.id, key, { ca: h.ca }, { platform: "macos", osVersion: "14.7", appVersion: "1.0.0" });
    const created = await helper.request({ type: "session.create" }, "session.created");
    await sam.request({ type: "session.join", code: created.code }, "session.joined");
    const joined = await helper.next("session.peer_joined");
    expect(joined.device).toEqual({
      deviceId: key.id,
      name: "Test Mac",
      platform: "macos",
      osVersion: "14.7",
      appVersion: "1.0.0",
      enrolled: true,
      compliant: false,
      reasons: ["macOS 14.7 is older than the required 15.0", "Tandem 1.0.0 is older than the required 1.1.0"],
    });
    helper.send({ type: "session.request", sessionId: created.session.sessionId, level: "control" });
    expect(await sam.next("session.state")).toMatchObject({ session: { status: "requested", requestedLevel: "control" } });

    const devices = await api(h.origin, h.ca, admin, "GET", "/api/devices");
    expect(devices.body.find((d: { deviceId: string }) => d.deviceId === key.id)).toMatchObject({ osVersion: "14.7", compliant: false, ownerId: northwind.sharer.id, ownerName: "Sam Okafor" });
    sam.kill();
  });
});
