import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api } from "./support/api.js";
import { northwind } from "./support/demo-people.js";
import { type IdpHarness, startIdpHarness } from "./support/idp-harness.js";
import { createAndJoinWith } from "./support/idp-session-steps.js";

describe("admin API: bad input gets a typed 4xx and changes nothing", () => {
  let h: IdpHarness;
  let admin: string;
  beforeAll(async () => {
    h = await startIdpHarness();
    admin = await h.desktopToken(northwind.admin.username, northwind.admin.password);
  });
  afterAll(() => h.close());

  const cases: [string, string, string, unknown][] = [
    ["settings with a wrong type", "PUT", "/api/settings", { remoteHelpEnabled: "yes", allowUnenrolledDevices: true, chatEnabled: true, codeLifetimeSeconds: 600, reconnectGraceSeconds: 15, auditRetentionDays: 365 }],
    ["settings with an unknown field", "PUT", "/api/settings", { remoteHelpEnabled: false, allowUnenrolledDevices: true, chatEnabled: true, codeLifetimeSeconds: 600, reconnectGraceSeconds: 15, auditRetentionDays: 365, superUser: true }],
    ["settings out of range", "PUT", "/api/settings", { remoteHelpEnabled: false, allowUnenrolledDevices: true, chatEnabled: true, codeLifetimeSeconds: 5, reconnectGraceSeconds: 15, auditRetentionDays: 365 }],
    ["not JSON at all", "PUT", "/api/settings", "{remoteHelpEnabled:"],
    ["a role with an unknown permission", "PUT", "/api/roles/r1", { id: "r1", name: "R", permissions: ["session.view", "root"] }],
    ["a role whose id differs from the URL", "PUT", "/api/roles/r1", { id: "r2", name: "R", permissions: [] }],
    ["a role id with a path in it", "PUT", "/api/roles/..%2Fetc", { id: "../etc", name: "R", permissions: [] }],
    ["an assignment to a role that does not exist", "PUT", "/api/assignments/a1", { id: "a1", roleId: "ghost", principal: { type: "user", id: "u" }, scopeGroups: null }],
    ["an access policy with a bad range", "PUT", "/api/access-policies/p1", { id: "p1", name: "P", enabled: true, conditions: { users: [], groups: [], addressRanges: ["10.0.0.0/40"] }, control: "block", appliesTo: ["session_create"] }],
    ["an access policy with no stage", "PUT", "/api/access-policies/p1", { id: "p1", name: "P", enabled: true, conditions: { users: [], groups: [], addressRanges: [] }, control: "block", appliesTo: [] }],
    ["compliance with a non-version", "PUT", "/api/compliance-rules", { minOsVersion: { macos: "fourteen" } }],
    ["a report with a bad filter", "GET", "/api/reports/sessions?endReason=bored", undefined],
    ["group names for something that is not a group id", "GET", "/api/group-names?ids=11111111-1111-4111-8111-111111111111,help-desk", undefined],
    ["group names with no ids", "GET", "/api/group-names?ids=", undefined],
    ["group names for 51 ids at once", "GET", `/api/group-names?ids=${Array.from({ length: 51 }, () => "11111111-1111-4111-8111-111111111111").join(",")}`, undefined],
    ["group names with an extra parameter", "GET", "/api/group-names?ids=11111111-1111-4111-8111-111111111111&tenant=fabrikam.test", undefined],
  ];

  it.each(cases)("%s → 400 bad_message, nothing written", async (_what, method, path, body) => {
    const newest = async () => (await api(h.origin, h.ca, admin, "GET", "/api/audit?limit=1")).body.events[0]?.id;
    const before = await newest();
    const settingsBefore = (await api(h.origin, h.ca, admin, "GET", "/api/settings")).body;
    const response = await api(h.origin, h.ca, admin, method, path, body);
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ type: "error", code: "bad_message", message: expect.any(String) });
    expect(await newest()).toBe(before);
    expect((await api(h.origin, h.ca, admin, "GET", "/api/settings")).body).toEqual(settingsBefore);
  });

  it("names Entra group ids only for those who manage roles, and none without Graph (the embedded IdP)", async () => {
    expect((await api(h.origin, h.ca, admin, "GET", "/api/group-names?ids=11111111-1111-4111-8111-111111111111,22222222-2222-4222-8222-222222222222")).body).toEqual({ names: {} });
    const trainee = await h.desktopToken(northwind.readOnly.username, northwind.readOnly.password);
    expect((await api(h.origin, h.ca, trainee, "GET", "/api/group-names?ids=11111111-1111-4111-8111-111111111111")).status).toBe(403);
  });

  it("built-in roles cannot be edited or deleted; a role in use cannot be deleted", async () => {
    expect(await api(h.origin, h.ca, admin, "PUT", "/api/roles/administrator", { id: "administrator", name: "Mine", permissions: [] })).toMatchObject({ status: 409, body: { code: "conflict" } });
    expect(await api(h.origin, h.ca, admin, "DELETE", "/api/roles/auditor")).toMatchObject({ status: 409, body: { code: "conflict" } });
    await api(h.origin, h.ca, admin, "PUT", "/api/roles/weekend", { id: "weekend", name: "Weekend", permissions: ["session.view"] });
    await api(h.origin, h.ca, admin, "PUT", "/api/assignments/w", { id: "w", roleId: "weekend", principal: { type: "group", id: "sales" }, scopeGroups: ["finance"] });
    expect(await api(h.origin, h.ca, admin, "DELETE", "/api/roles/weekend")).toMatchObject({ status: 409, body: { code: "conflict" } });
    expect((await api(h.origin, h.ca, admin, "DELETE", "/api/assignments/w")).status).toBe(204);
    expect((await api(h.origin, h.ca, admin, "DELETE", "/api/roles/weekend")).status).toBe(204);
  });

  it("every change is audited with who, what, before and after", async () => {
    const current = (await api(h.origin, h.ca, admin, "GET", "/api/settings")).body;
    await api(h.origin, h.ca, admin, "PUT", "/api/settings", { ...current, chatEnabled: false });
    const last = (await api(h.origin, h.ca, admin, "GET", "/api/audit")).body.events[0];
    expect(last).toMatchObject({ action: "settings.changed", actorId: northwind.admin.id, detail: { before: { chatEnabled: true }, after: { chatEnabled: false } } });
    await api(h.origin, h.ca, admin, "PUT", "/api/settings", current);
  });

  it("session reports filter and export as CSV; the audit chain verifies", async () => {
    const { helper, sharer, sessionId } = await createAndJoinWith(h, northwind.operator, northwind.sharer);
    helper.send({ type: "session.end", sessionId });
    await sharer.next((m) => m.type === "session.state" && m.session.status === "ended");
    const json = (await api(h.origin, h.ca, admin, "GET", `/api/reports/sessions?helper=${northwind.operator.id}&endReason=helper_ended`)).body;
    expect(json[0]).toMatchObject({ sessionId, helperId: northwind.operator.id, helperName: "Hugo Moreau", sharerName: "Sam Okafor", endReason: "helper_ended", deviceEnrolled: false });
    const csv = await api(h.origin, h.ca, admin, "GET", "/api/reports/sessions?format=csv");
    expect(csv.headers["content-type"]).toBe("text/csv; charset=utf-8");
    const [header, first] = csv.text.split("\r\n");
    expect(header).toBe("sessionId,helperId,helperName,sharerId,sharerName,deviceId,deviceEnrolled,deviceCompliant,level,status,endReason,createdAt,joinedAt,endedAt,durationSeconds");
    expect(first).toContain(sessionId);
    expect(first).toMatch(/,helper_ended,\d{4}-\d\d-\d\dT/);
    expect((await api(h.origin, h.ca, admin, "GET", "/api/audit/verify")).body).toMatchObject({ tenantId: "northwind.test", ok: true, problems: [] });
  });

  it("with the console cookie, a change needs the CSRF token", async () => {
    const browser = await h.consoleSignIn(northwind.admin.username, northwind.admin.password);
    const csrf = JSON.parse((await browser.request("GET", `${h.origin}/auth/me`)).body).csrfToken;
    const without = await browser.request("POST", `${h.origin}/api/enrollment-token`);
    expect(without.status).toBe(403);
    const withToken = await browser.request("POST", `${h.origin}/api/enrollment-token`, { headers: { "x-csrf-token": csrf } });
    expect(withToken.status).toBe(200);
    expect(JSON.parse(withToken.body).token).toMatch(/^[\w-]{43}$/);
    expect((await browser.request("GET", `${h.origin}/api/settings`)).status).toBe(200);
  });
});
