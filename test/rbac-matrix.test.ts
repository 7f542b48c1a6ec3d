import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Level } from "../src/protocol/index.js";
import { BrokerClient } from "../tools/broker-client.js";
import { newDeviceKey, signInWithDevice } from "../tools/device-key.js";
import { api } from "./support/api.js";
import { northwind, type Person } from "./support/demo-people.js";
import { type IdpHarness, startIdpHarness } from "./support/idp-harness.js";
import { refusal } from "./support/session-steps.js";

/**
 * Every built-in role against every protected action, through the real
 * WebSocket and HTTP endpoints, with people signed in at the embedded IdP.
 */
const people: Record<string, Person> = {
  Administrator: northwind.admin,
  "Help desk operator": northwind.operator,
  "Read-only helper": northwind.readOnly,
  Auditor: northwind.auditor,
  "no role (a sharer)": northwind.sharer2,
};

const expected: Record<string, Record<string, boolean>> = {
  //                         create  view   control  reports devices settings roles
  Administrator:            { create: true, view: true, control: true, reports: true, devices: true, settings: true, roles: true },
  "Help desk operator":     { create: true, view: true, control: true, reports: false, devices: true, settings: false, roles: false },
  "Read-only helper":       { create: true, view: true, control: false, reports: false, devices: false, settings: false, roles: false },
  Auditor:                  { create: false, view: false, control: false, reports: true, devices: true, settings: false, roles: false },
  "no role (a sharer)":     { create: false, view: false, control: false, reports: false, devices: false, settings: false, roles: false },
};

describe("RBAC matrix", () => {
  let h: IdpHarness;
  const tokens = new Map<string, string>();
  let sharerToken: string;
  const device = newDeviceKey();

  beforeAll(async () => {
    h = await startIdpHarness();
    for (const [role, person] of Object.entries(people)) tokens.set(role, await h.desktopToken(person.username, person.password));
    sharerToken = await h.desktopToken(northwind.sharer.username, northwind.sharer.password);
    // The sharer's Mac is enrolled, so the level checks below are about roles, not the unenrolled rule.
    const adminToken = tokens.get("Administrator")!;
    const { body } = await api(h.origin, h.ca, adminToken, "POST", "/api/enrollment-token");
    const registrar = await BrokerClient.signIn(h.wsUrl, sharerToken, { ca: h.ca });
    const { nonce } = await registrar.next("challenge");
    const key = await device;
    await registrar.request({ type: "device.register", name: "Sam's Mac", publicKey: key.publicKey, facts: { platform: "macos", osVersion: "15.1", appVersion: "1.0.0" }, enrollmentToken: body.token, signature: key.prove(nonce, northwind.sharer.id) }, "device.registered");
    registrar.kill();
  });
  afterAll(() => h.close());

  async function tryLevel(role: string, level: Level): Promise<string> {
    const helper = await BrokerClient.signIn(h.wsUrl, tokens.get(role)!, { ca: h.ca });
    const { client: sharer } = await signInWithDevice(h.wsUrl, sharerToken, northwind.sharer.id, await device, { ca: h.ca });
    try {
      const created = await helper.request({ type: "session.create" }, "session.created");
      await sharer.request({ type: "session.join", code: created.code }, "session.joined");
      helper.send({ type: "session.request", reqId: "level", sessionId: created.session.sessionId, level });
      const answer = await helper.next((m) => (m.type === "error" && m.reqId === "level") || (m.type === "session.state" && m.session.status === "requested"));
      return answer.type === "error" ? answer.code : "accepted";
    } finally {
      helper.kill();
      sharer.kill();
    }
  }

  for (const [role, can] of Object.entries(expected)) {
    describe(role, () => {
      it(`${can.create ? "may" : "may not"} create a session`, async () => {
        const helper = await BrokerClient.signIn(h.wsUrl, tokens.get(role)!, { ca: h.ca });
        const outcome = await refusal(helper.request({ type: "session.create" }, "session.created"));
        helper.kill();
        expect(outcome).toBe(can.create ? "accepted" : "forbidden");
      });

      if (can.create) {
        it(`${can.view ? "may" : "may not"} ask to view, ${can.control ? "may" : "may not"} ask for control`, async () => {
          expect(await tryLevel(role, "view")).toBe(can.view ? "accepted" : "forbidden");
          expect(await tryLevel(role, "control")).toBe(can.control ? "accepted" : "forbidden");
        });
      }

      it.each([
        ["reports", "GET", "/api/reports/sessions"],
        ["reports", "GET", "/api/audit/verify"],
        ["devices", "GET", "/api/devices"],
        ["settings", "GET", "/api/settings"],
        ["settings", "PUT", "/api/compliance-rules"],
        ["roles", "GET", "/api/roles"],
        ["roles", "GET", "/api/assignments"],
      ])(`%s: %s %s`, async (what, method, path) => {
        const response = await api(h.origin, h.ca, tokens.get(role)!, method, path, method === "PUT" ? { minOsVersion: {} } : undefined);
        expect(response.status).toBe(can[what] ? 200 : 403);
        if (!can[what]) expect(response.body).toMatchObject({ type: "error", code: "forbidden" });
      });
    });
  }
});
