import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BrokerClient } from "../tools/broker-client.js";
import { type DeviceKey, signInWithDevice } from "../tools/device-key.js";
import { registerDevice } from "../tools/desktop-stand-in.js";
import { api } from "./support/api.js";
import { fabrikam, northwind } from "./support/demo-people.js";
import { type IdpHarness, startIdpHarness } from "./support/idp-harness.js";
import { refusal } from "./support/session-steps.js";

/**
 * Reaching the sharer without a code: a helper makes a session for a device,
 * the desktop app connected on that device is offered it (with the code, so
 * Join needs no typing), and the helper hears whether it was shown, turned
 * down, or could not be (offline, too many offers).
 */
describe("offers to the app of the device a session is for", () => {
  let h: IdpHarness;
  let sam: string;
  let enrollmentToken: string;

  beforeAll(async () => {
    h = await startIdpHarness();
    const admin = await h.desktopToken(northwind.admin.username, northwind.admin.password);
    sam = await h.desktopToken(northwind.sharer.username, northwind.sharer.password);
    enrollmentToken = (await api(h.origin, h.ca, admin, "POST", "/api/enrollment-token")).body.token;
  });
  afterAll(() => h.close());

  /** A registered device of Sam's, a new one per test (offers to a device are counted). */
  const samsDevice = (name = "Sam's MacBook") => registerDevice({ wsUrl: h.wsUrl, ca: h.ca, sharerToken: sam, enrollmentToken, name });
  const appOn = async (key: DeviceKey) => (await signInWithDevice(h.wsUrl, sam, northwind.sharer.id, key, { ca: h.ca })).client;
  const operator = () => h.desktopClient(northwind.operator.username, northwind.operator.password);
  const auditOf = async (sessionId: string) => {
    const admin = await h.desktopToken(northwind.admin.username, northwind.admin.password);
    return (await api(h.origin, h.ca, admin, "GET", `/api/audit?sessionId=${sessionId}`)).body.events as { action: string; actorId: string; detail: Record<string, unknown> }[];
  };

  it("shows the offer on the device's app, which joins with it without anyone reading a code", async () => {
    const key = await samsDevice();
    const app = await appOn(key);
    const web = await BrokerClient.signIn(h.wsUrl, sam, { ca: h.ca }); // Sam's browser: no device, no offer
    const helper = await operator();
    const created = await helper.request({ type: "session.create", deviceId: key.id }, "session.created");
    const offer = await app.next("session.offer");
    expect(offer).toMatchObject({ sessionId: created.session.sessionId, code: created.code, helper: { name: "Hugo Moreau", verifiedDomain: "northwind.test" }, expiresAt: created.expiresAt });
    expect(await helper.next("session.offer_status")).toMatchObject({ status: "notified" });
    const joined = await app.request({ type: "session.join", code: offer.code }, "session.joined");
    expect(joined.session.status).toBe("joined");
    expect(await helper.next("session.peer_joined")).toMatchObject({ device: { deviceId: key.id }, otherDevice: false });
    expect(web.pending().filter((m) => m.type === "session.offer")).toEqual([]);
    expect((await auditOf(created.session.sessionId)).map((e) => e.action)).toEqual(expect.arrayContaining(["session.created", "session.offer_sent", "session.joined"]));
    for (const c of [app, web, helper]) c.kill();
  });

  it("tells the helper the device is offline when no app of it is connected, and the code still works", async () => {
    const key = await samsDevice();
    const helper = await operator();
    const created = await helper.request({ type: "session.create", deviceId: key.id }, "session.created");
    expect(await helper.next("session.offer_status")).toMatchObject({ sessionId: created.session.sessionId, status: "offline" });
    const late = await appOn(key);
    await late.request({ type: "session.join", code: created.code }, "session.joined");
    expect(await helper.next("session.peer_joined")).toMatchObject({ otherDevice: false });
    late.kill();
    helper.kill();
  });

  it("tells the helper when the person chooses Not now, and refuses Not now from anyone else", async () => {
    const key = await samsDevice();
    const other = await samsDevice("Front desk PC");
    const app = await appOn(key);
    const helper = await operator();
    const created = await helper.request({ type: "session.create", deviceId: key.id }, "session.created");
    const sessionId = created.session.sessionId;
    await app.next("session.offer");
    await helper.next("session.offer_status");

    // Not from another device, not from a browser, not from another organisation.
    const otherApp = await appOn(other);
    expect(await refusal(otherApp.request({ type: "session.decline_offer", sessionId }, "session.offer_status"))).toBe("forbidden");
    const web = await BrokerClient.signIn(h.wsUrl, sam, { ca: h.ca });
    expect(await refusal(web.request({ type: "session.decline_offer", sessionId }, "session.offer_status"))).toBe("forbidden");
    const stranger = await h.desktopClient(fabrikam.sharer.username, fabrikam.sharer.password);
    expect(await refusal(stranger.request({ type: "session.decline_offer", sessionId }, "session.offer_status"))).toBe("forbidden");
    expect(await refusal(app.request({ type: "session.decline_offer", sessionId: "00000000-0000-4000-8000-000000000000" }, "session.offer_status"))).toBe("forbidden");
    expect(helper.pending().filter((m) => m.type === "session.offer_status")).toEqual([]);

    expect(await app.request({ type: "session.decline_offer", sessionId }, "session.offer_status")).toMatchObject({ status: "declined" });
    expect(await helper.next("session.offer_status")).toMatchObject({ sessionId, status: "declined" });
    expect((await auditOf(sessionId)).find((e) => e.action === "session.offer_declined")).toMatchObject({ actorId: northwind.sharer.id, detail: { device: { deviceId: key.id } } });
    // The code stays valid: the person may still join, and then Not now is no longer possible.
    await app.request({ type: "session.join", code: created.code }, "session.joined");
    expect(await refusal(app.request({ type: "session.decline_offer", sessionId }, "session.offer_status"))).toBe("invalid_transition");
    for (const c of [app, otherApp, web, stranger, helper]) c.kill();
  });

  it("does not offer to an app already in a session", async () => {
    const key = await samsDevice();
    const app = await appOn(key);
    const first = await operator();
    const busy = await first.request({ type: "session.create" }, "session.created");
    await app.request({ type: "session.join", code: busy.code }, "session.joined");
    const second = await operator();
    await second.request({ type: "session.create", deviceId: key.id }, "session.created");
    expect(await second.next("session.offer_status")).toMatchObject({ status: "offline" });
    expect(app.pending().filter((m) => m.type === "session.offer")).toEqual([]);
    for (const c of [app, first, second]) c.kill();
  });

  it("counts offers to a device before sending: the sixth in ten minutes is not sent, audited, and the code is the way", async () => {
    const key = await samsDevice();
    const app = await appOn(key);
    const statuses: string[] = [];
    for (let i = 0; i < 6; i++) {
      const helper = await operator();
      const created = await helper.request({ type: "session.create", deviceId: key.id }, "session.created");
      statuses.push((await helper.next("session.offer_status")).status);
      if (i === 5) expect((await auditOf(created.session.sessionId)).find((e) => e.action === "session.offer_refused")).toMatchObject({ detail: { reason: "rate_limited" } });
      helper.kill();
    }
    expect(statuses).toEqual(["notified", "notified", "notified", "notified", "notified", "not_sent"]);
    expect(app.pending().filter((m) => m.type === "session.offer")).toHaveLength(5);
    app.kill();
  });
});
