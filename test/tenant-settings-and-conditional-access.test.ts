import { TOTP } from "otpauth";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROTOCOL_VERSION } from "../src/protocol/index.js";
import { BrokerClient } from "../tools/broker-client.js";
import { api } from "./support/api.js";
import { fabrikam, northwind } from "./support/demo-people.js";
import { type IdpHarness, startIdpHarness } from "./support/idp-harness.js";
import { refusal } from "./support/session-steps.js";

describe("tenant settings and conditional access, enforced by the broker", () => {
  let h: IdpHarness;
  let nwAdmin: string;
  let fbAdmin: string;
  beforeAll(async () => {
    h = await startIdpHarness();
    nwAdmin = await h.desktopToken(northwind.admin.username, northwind.admin.password);
    fbAdmin = await h.desktopToken(fabrikam.admin.username, fabrikam.admin.password);
  });
  afterAll(() => h.close());

  const settings = async (token: string, patch: Record<string, unknown>) => {
    const current = (await api(h.origin, h.ca, token, "GET", "/api/settings")).body;
    const response = await api(h.origin, h.ca, token, "PUT", "/api/settings", { ...current, ...patch });
    expect(response.status).toBe(200);
  };

  it("remote help off: nobody can create a session; on again: at once", async () => {
    const helper = await h.desktopClient(fabrikam.operator.username, fabrikam.operator.password);
    await settings(fbAdmin, { remoteHelpEnabled: false });
    const refused = await helper.request({ type: "session.create" }, "session.created").catch((e) => e.reply);
    expect(refused).toMatchObject({ code: "policy_blocked", message: "remote help is turned off for this organisation" });
    await settings(fbAdmin, { remoteHelpEnabled: true });
    expect(await refusal(helper.request({ type: "session.create" }, "session.created"))).toBe("accepted");
  });

  it("code lifetime and chat follow the tenant's settings", async () => {
    await settings(fbAdmin, { codeLifetimeSeconds: 120, chatEnabled: false, allowUnenrolledDevices: true });
    const helper = await h.desktopClient(fabrikam.operator.username, fabrikam.operator.password);
    const sharer = await h.desktopClient(fabrikam.sharer.username, fabrikam.sharer.password);
    const created = await helper.request({ type: "session.create" }, "session.created");
    expect(created.expiresAt - Date.now()).toBeLessThanOrEqual(120_000);
    expect(created.expiresAt - Date.now()).toBeGreaterThan(110_000);
    await sharer.request({ type: "session.join", code: created.code }, "session.joined");
    const chat = await sharer.request({ type: "chat.send", sessionId: created.session.sessionId, clientMsgId: "1", text: "hello" }, "chat.ack").catch((e) => e.reply);
    expect(chat).toMatchObject({ code: "policy_blocked", message: "chat is turned off for this organisation" });
    await settings(fbAdmin, { codeLifetimeSeconds: 600, chatEnabled: true, allowUnenrolledDevices: false });
  });

  it("an unenrolled sharer is refused where the tenant does not allow it (Fabrikam), allowed where it does (Northwind)", async () => {
    const fbHelper = await h.desktopClient(fabrikam.operator.username, fabrikam.operator.password);
    const fbSharer = await h.desktopClient(fabrikam.sharer.username, fabrikam.sharer.password);
    const created = await fbHelper.request({ type: "session.create" }, "session.created");
    // Turned away at the door, so the sharer hears why at once; the code stays good for the desktop app.
    const refused = await fbSharer.request({ type: "session.join", code: created.code }, "session.joined").catch((e) => e.reply);
    expect(refused).toMatchObject({ code: "policy_blocked", message: expect.stringContaining("only enrolled devices") });
    const audit = (await api(h.origin, h.ca, fbAdmin, "GET", "/api/audit")).body.events as { action: string; actorId: string; detail: { action?: string } }[];
    expect(audit.some((e) => e.action === "access.refused" && e.actorId === fabrikam.sharer.id && e.detail.action === "session.join")).toBe(true);
    // A helper cannot ask such a sharer either (the check where the level is asked stays).
    await settings(fbAdmin, { allowUnenrolledDevices: true });
    await fbSharer.request({ type: "session.join", code: created.code }, "session.joined");
    await fbHelper.next("session.peer_joined");
    await settings(fbAdmin, { allowUnenrolledDevices: false });
    fbHelper.send({ type: "session.request", reqId: "r", sessionId: created.session.sessionId, level: "view" });
    expect(await fbHelper.next("error")).toMatchObject({ reqId: "r", code: "policy_blocked", message: expect.stringContaining("not enrolled") });

    const nwHelper = await h.desktopClient(northwind.operator.username, northwind.operator.password);
    const nwSharer = await h.desktopClient(northwind.sharer.username, northwind.sharer.password);
    const ok = await nwHelper.request({ type: "session.create" }, "session.created");
    await nwSharer.request({ type: "session.join", code: ok.code }, "session.joined");
    nwHelper.send({ type: "session.request", sessionId: ok.session.sessionId, level: "view" });
    expect(await nwSharer.next("session.state")).toMatchObject({ session: { status: "requested" } });
  });

  it("an address-range policy blocks creating sessions, names itself, and is audited; removing it lifts it", async () => {
    const policy = { id: "no-loopback", name: "No help from loopback", enabled: true, conditions: { users: [], groups: ["help-desk"], addressRanges: ["127.0.0.0/8", "::1/128"] }, control: "block", appliesTo: ["session_create"] };
    expect((await api(h.origin, h.ca, nwAdmin, "PUT", "/api/access-policies/no-loopback", policy)).status).toBe(200);
    const helper = await h.desktopClient(northwind.operator.username, northwind.operator.password);
    const refused = await helper.request({ type: "session.create" }, "session.created").catch((e) => e.reply);
    expect(refused).toMatchObject({ code: "policy_blocked", message: 'blocked by the access policy "No help from loopback"' });
    const audit = (await api(h.origin, h.ca, nwAdmin, "GET", "/api/audit")).body.events as { action: string; actorId: string; detail: { policy?: string } }[];
    expect(audit.filter((e) => e.action === "access.refused" && e.actorId === northwind.operator.id)[0]?.detail.policy).toBe("no-loopback");
    // Someone outside the policy's groups is not affected.
    const admin = await h.desktopClient(northwind.admin.username, northwind.admin.password);
    expect(await refusal(admin.request({ type: "session.create" }, "session.created"))).toBe("accepted");
    expect((await api(h.origin, h.ca, nwAdmin, "DELETE", "/api/access-policies/no-loopback")).status).toBe(204);
    expect(await refusal(helper.request({ type: "session.create" }, "session.created"))).toBe("accepted");
  });

  it("require MFA at sign-in: a password-only token is turned away at hello, one with a one-time code gets in", async () => {
    const policy = { id: "admins-mfa", name: "Admins need MFA", enabled: true, conditions: { users: [], groups: ["it-admins"], addressRanges: [] }, control: "require_mfa", appliesTo: ["sign_in"] };
    expect((await api(h.origin, h.ca, nwAdmin, "PUT", "/api/access-policies/admins-mfa", policy)).status).toBe(200);
    const passwordOnly = await BrokerClient.connect(h.wsUrl, { ca: h.ca });
    passwordOnly.send({ type: "hello", protocol: PROTOCOL_VERSION, token: nwAdmin });
    expect(await passwordOnly.next("error")).toMatchObject({ code: "policy_blocked", message: 'the access policy "Admins need MFA" requires multi-factor sign-in' });
    expect((await passwordOnly.closed).code).toBe(4403);

    const code = new TOTP({ secret: "JBSWY3DPEHPK3PXP", digits: 6, period: 30 }).generate();
    const withMfa = await h.desktopToken(northwind.admin.username, northwind.admin.password, code);
    const client = await BrokerClient.signIn(h.wsUrl, withMfa, { ca: h.ca });
    expect(client.socket.readyState).toBe(client.socket.OPEN);
    client.kill();
    expect((await api(h.origin, h.ca, withMfa, "DELETE", "/api/access-policies/admins-mfa")).status).toBe(204);
  });
});
