import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BrokerClient } from "../tools/broker-client.js";
import { api } from "./support/api.js";
import { fabrikam, northwind } from "./support/demo-people.js";
import { type IdpHarness, startIdpHarness } from "./support/idp-harness.js";
import { refusal } from "./support/session-steps.js";

/**
 * Fabrikam's people try everything against Northwind's sessions and data.
 * Nothing succeeds, and the answers are the same as for things that do not
 * exist at all, so nothing is learnt either.
 */
describe("no cross-tenant help, no cross-tenant data", () => {
  let h: IdpHarness;
  let nwAdmin: string;
  let fbAdmin: string;
  let nwSession: { sessionId: string; code: string; resumeToken: string };

  beforeAll(async () => {
    h = await startIdpHarness({ defaultTenantSettings: { allowUnenrolledDevices: true } }) // so a refused join is about the code, not the device;
    nwAdmin = await h.desktopToken(northwind.admin.username, northwind.admin.password);
    fbAdmin = await h.desktopToken(fabrikam.admin.username, fabrikam.admin.password);
    await api(h.origin, h.ca, nwAdmin, "PUT", "/api/roles/night-shift", { id: "night-shift", name: "Night shift", permissions: ["session.view"] });
    await api(h.origin, h.ca, nwAdmin, "PUT", "/api/assignments/night", { id: "night", roleId: "night-shift", principal: { type: "group", id: "sales" }, scopeGroups: null });
    const helper = await h.desktopClient(northwind.operator.username, northwind.operator.password);
    const created = await helper.request({ type: "session.create" }, "session.created");
    nwSession = { sessionId: created.session.sessionId, code: created.code, resumeToken: created.resumeToken };
  });
  afterAll(() => h.close());

  it("a Fabrikam sharer cannot redeem a Northwind code: same answer as a code that never existed", async () => {
    const outsider = await h.desktopClient(fabrikam.sharer.username, fabrikam.sharer.password);
    expect(await refusal(outsider.request({ type: "session.join", code: nwSession.code }, "session.joined"))).toBe("code_invalid");
    expect(await refusal(outsider.request({ type: "session.join", code: "zzzzzzzz" }, "session.joined"))).toBe("code_invalid");
  });

  it("a Fabrikam helper cannot resume, signal, chat in or read a Northwind session", async () => {
    const outsider = await h.desktopClient(fabrikam.operator.username, fabrikam.operator.password);
    const { sessionId, resumeToken } = nwSession;
    expect(await refusal(outsider.request({ type: "session.resume", sessionId, resumeToken }, "session.joined"))).toBe("resume_failed");
    expect(await refusal(outsider.request({ type: "chat.history", sessionId }, "chat.history"))).toBe("forbidden");
    expect(await refusal(outsider.request({ type: "chat.history", sessionId: "00000000-0000-4000-8000-000000000000" }, "chat.history"))).toBe("forbidden");
    expect(await refusal(outsider.request({ type: "signal.offer", sessionId, sdp: "v=0" }, "signal.offer"))).toBe("not_in_session");
    expect(await refusal(outsider.request({ type: "session.end", sessionId }, "session.state"))).toBe("not_in_session");
  });

  it("every admin endpoint shows a Fabrikam admin only Fabrikam", async () => {
    const roles = (await api(h.origin, h.ca, fbAdmin, "GET", "/api/roles")).body as { id: string }[];
    expect(roles.map((r) => r.id)).not.toContain("night-shift");
    const assignments = (await api(h.origin, h.ca, fbAdmin, "GET", "/api/assignments")).body as { id: string }[];
    expect(assignments.map((a) => a.id)).not.toContain("night");
    const reports = (await api(h.origin, h.ca, fbAdmin, "GET", "/api/reports/sessions")).body as { sessionId: string }[];
    expect(reports.map((r) => r.sessionId)).not.toContain(nwSession.sessionId);
    const audit = (await api(h.origin, h.ca, fbAdmin, "GET", `/api/audit?sessionId=${nwSession.sessionId}`)).body;
    expect(audit).toEqual({ events: [], next: null });
    expect((await api(h.origin, h.ca, fbAdmin, "GET", "/api/devices")).body).toEqual([]);
    const verify = (await api(h.origin, h.ca, fbAdmin, "GET", "/api/audit/verify")).body;
    expect(verify).toMatchObject({ tenantId: "fabrikam.test", ok: true });
  });

  it("a Fabrikam admin changing or deleting Northwind's things gets 404 like for things that do not exist, and Northwind is untouched", async () => {
    for (const path of ["/api/roles/night-shift", "/api/assignments/night", "/api/access-policies/none"]) {
      const theirs = await api(h.origin, h.ca, fbAdmin, "DELETE", path);
      const nothing = await api(h.origin, h.ca, fbAdmin, "DELETE", `${path}-never`);
      expect([theirs.status, theirs.body]).toEqual([nothing.status, { ...nothing.body, message: theirs.body.message }]);
      expect(theirs.status).toBe(404);
    }
    const nwRoles = (await api(h.origin, h.ca, nwAdmin, "GET", "/api/roles")).body as { id: string }[];
    expect(nwRoles.map((r) => r.id)).toContain("night-shift");
    // An assignment naming Northwind's custom role is refused in Fabrikam: the role does not exist there.
    const cross = await api(h.origin, h.ca, fbAdmin, "PUT", "/api/assignments/x", { id: "x", roleId: "night-shift", principal: { type: "group", id: "help-desk" }, scopeGroups: null });
    expect(cross).toMatchObject({ status: 400, body: { code: "bad_message", message: "no role night-shift" } });
  });

  it("a Northwind token cannot be turned into Fabrikam by the client: the tenant is the token's", async () => {
    const client = await BrokerClient.signIn(h.wsUrl, nwAdmin, { ca: h.ca });
    const created = await client.request({ type: "session.create" }, "session.created");
    const report = (await api(h.origin, h.ca, nwAdmin, "GET", "/api/reports/sessions")).body as { sessionId: string }[];
    expect(report.map((r) => r.sessionId)).toContain(created.session.sessionId);
    client.kill();
  });
});
