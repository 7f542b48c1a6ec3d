import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BrokerClient } from "../tools/broker-client.js";
import { type DeviceKey, signInWithDevice } from "../tools/device-key.js";
import { registerDevice } from "../tools/desktop-stand-in.js";
import { api } from "./support/api.js";
import { fabrikam, northwind } from "./support/demo-people.js";
import { type IdpHarness, startIdpHarness } from "./support/idp-harness.js";
import { refusal } from "./support/session-steps.js";

/**
 * Help on a device: the helper creates the session for one device of their
 * tenant; the broker checks they may help it, records and audits it, and when
 * the sharer joins from another device (or the web page) it tells the helper
 * at once, from its own records, before any level is asked.
 */
describe("sessions bound to a device", () => {
  let h: IdpHarness;
  let admin: string;
  let sam: string;
  let enrollmentToken: string;
  let deviceA: DeviceKey;
  let deviceB: DeviceKey;

  beforeAll(async () => {
    h = await startIdpHarness();
    admin = await h.desktopToken(northwind.admin.username, northwind.admin.password);
    sam = await h.desktopToken(northwind.sharer.username, northwind.sharer.password);
    enrollmentToken = (await api(h.origin, h.ca, admin, "POST", "/api/enrollment-token")).body.token;
    const register = (name: string) => registerDevice({ wsUrl: h.wsUrl, ca: h.ca, sharerToken: sam, enrollmentToken, name });
    [deviceA, deviceB] = [await register("Sam's MacBook"), await register("Front desk PC")];
  });
  afterAll(() => h.close());

  async function samJoinsFrom(key: DeviceKey | null, code: string) {
    const client = key ? (await signInWithDevice(h.wsUrl, sam, northwind.sharer.id, key, { ca: h.ca })).client : await BrokerClient.signIn(h.wsUrl, sam, { ca: h.ca });
    if (!key) await client.next("challenge").catch(() => undefined);
    const joined = await client.request({ type: "session.join", code }, "session.joined");
    return { client, joined };
  }

  it("records the device, tells the helper when the sharer joins from another one, and not when they join from it", async () => {
    const helper = await h.desktopClient(northwind.operator.username, northwind.operator.password);
    const created = await helper.request({ type: "session.create", deviceId: deviceA.id }, "session.created");
    expect(created.targetDevice).toEqual({ deviceId: deviceA.id, name: "Sam's MacBook" });
    const { client: fromB, joined } = await samJoinsFrom(deviceB, created.code);
    expect(await helper.next("session.peer_joined")).toMatchObject({ device: { deviceId: deviceB.id }, targetDevice: { deviceId: deviceA.id, name: "Sam's MacBook" }, otherDevice: true });
    // The sharer is not told which device the helper meant: that is the helper's to check.
    expect(joined).toMatchObject({ targetDevice: null, otherDevice: false });
    const audit = (await api(h.origin, h.ca, admin, "GET", `/api/audit?sessionId=${created.session.sessionId}`)).body.events as { action: string; detail: Record<string, unknown> }[];
    expect(audit.find((e) => e.action === "session.created")?.detail).toMatchObject({ device: { deviceId: deviceA.id, name: "Sam's MacBook" } });
    fromB.kill();
    helper.kill();

    const helper2 = await h.desktopClient(northwind.operator.username, northwind.operator.password);
    const second = await helper2.request({ type: "session.create", deviceId: deviceA.id }, "session.created");
    const { client: fromA } = await samJoinsFrom(deviceA, second.code);
    expect(await helper2.next("session.peer_joined")).toMatchObject({ device: { deviceId: deviceA.id }, otherDevice: false });
    fromA.kill();
    helper2.kill();
  });

  it("counts the web page as another device, and a session for no device warns about none", async () => {
    const helper = await h.desktopClient(northwind.operator.username, northwind.operator.password);
    const created = await helper.request({ type: "session.create", deviceId: deviceA.id }, "session.created");
    const { client: web } = await samJoinsFrom(null, created.code);
    expect(await helper.next("session.peer_joined")).toMatchObject({ device: null, otherDevice: true });
    web.kill();
    helper.kill();

    const plain = await h.desktopClient(northwind.operator.username, northwind.operator.password);
    const free = await plain.request({ type: "session.create" }, "session.created");
    expect(free.targetDevice).toBeNull();
    const { client: fromB } = await samJoinsFrom(deviceB, free.code);
    expect(await plain.next("session.peer_joined")).toMatchObject({ targetDevice: null, otherDevice: false });
    fromB.kill();
    plain.kill();
  });

  it("tells a helper who comes back (resume) the same, from the broker's records", async () => {
    const helper = await h.desktopClient(northwind.operator.username, northwind.operator.password);
    const created = await helper.request({ type: "session.create", deviceId: deviceA.id }, "session.created");
    const { client: fromB } = await samJoinsFrom(deviceB, created.code);
    await helper.next("session.peer_joined");
    helper.kill();
    const back = await h.desktopClient(northwind.operator.username, northwind.operator.password);
    const resumed = await back.request({ type: "session.resume", sessionId: created.session.sessionId, resumeToken: created.resumeToken }, "session.joined");
    expect(resumed).toMatchObject({ role: "helper", targetDevice: { deviceId: deviceA.id }, otherDevice: true });
    fromB.kill();
    back.kill();
  });

  it("refuses a device of another organisation or none, a malformed id, and a helper whose role does not cover the device", async () => {
    const helper = await h.desktopClient(northwind.operator.username, northwind.operator.password);
    expect(await refusal(helper.request({ type: "session.create", deviceId: "A".repeat(43) }, "session.created"))).toBe("not_found");
    expect(await refusal(helper.request({ type: "session.create", deviceId: "../../etc" } as never, "session.created"))).toBe("bad_message");
    expect(await refusal(helper.request({ type: "session.create", deviceId: "x".repeat(129) }, "session.created"))).toBe("bad_message");
    helper.kill();
    // Fabrikam's helper cannot aim at Northwind's device: the same answer as for a device that does not exist.
    const stranger = await h.desktopClient(fabrikam.operator.username, fabrikam.operator.password);
    expect(await refusal(stranger.request({ type: "session.create", deviceId: deviceA.id }, "session.created"))).toBe("not_found");
    stranger.kill();

    // Trainees may help only Finance's people and devices; Sam's MacBook is in no group yet.
    const trainees = { id: "default-trainees", roleId: "read-only-helper", principal: { type: "group", id: "help-desk-trainees" }, scopeGroups: ["finance"] };
    expect((await api(h.origin, h.ca, admin, "PUT", "/api/assignments/default-trainees", trainees)).status).toBe(200);
    const trainee = await h.desktopClient(northwind.readOnly.username, northwind.readOnly.password);
    expect(await refusal(trainee.request({ type: "session.create", deviceId: deviceA.id }, "session.created"))).toBe("forbidden");
    const refused = (await api(h.origin, h.ca, admin, "GET", `/api/audit?actor=${northwind.readOnly.id}&action=access.refused`)).body.events as { detail: Record<string, unknown> }[];
    expect(refused[0]?.detail).toMatchObject({ code: "forbidden", message: "your role does not let you help this device", deviceId: deviceA.id });
    // Once the device is in Finance, the scoped role covers it.
    const record = (await h.broker.store.devices.get("northwind.test", deviceA.id))!;
    await h.broker.store.devices.register({ ...record, groups: ["finance"] }, { tenantId: "northwind.test", sessionId: null, actorId: northwind.admin.id, action: "device.grouped", detail: { groups: ["finance"] }, at: Date.now() });
    expect((await trainee.request({ type: "session.create", deviceId: deviceA.id }, "session.created")).targetDevice).toMatchObject({ deviceId: deviceA.id });
    trainee.kill();
  });
});
