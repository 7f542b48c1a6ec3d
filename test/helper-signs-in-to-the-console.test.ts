import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TOTP } from "otpauth";
import { PROTOCOL_VERSION } from "../src/protocol/index.js";
import { BrokerClient } from "../tools/broker-client.js";
import { loginFormAction } from "../tools/http-session.js";
import { type IdpHarness, startIdpHarness } from "./support/idp-harness.js";

const me = async (h: IdpHarness, browser: ReturnType<IdpHarness["browser"]>) => {
  const response = await browser.request("GET", `${h.origin}/auth/me`);
  return { status: response.status, body: JSON.parse(response.body) };
};

describe("console sign-in through the embedded IdP (auth code + PKCE, msal-node)", () => {
  let h: IdpHarness;
  beforeAll(async () => {
    h = await startIdpHarness({ idpAccessTokenTtlSeconds: 62 });
  });
  afterAll(() => h.close());

  it("walks the real redirects: console → IdP login page → callback → session cookie → who am I", async () => {
    const browser = h.browser();
    const login = await browser.request("GET", `${h.origin}/auth/login?returnTo=/sessions/recent`);
    expect(login.status).toBe(302);
    const authorize = new URL(login.headers.location!);
    expect(authorize.origin + authorize.pathname).toBe(`${h.origin}/idp/auth`);
    expect(authorize.searchParams.get("code_challenge_method")).toBe("S256");
    expect(authorize.searchParams.get("client_id")).toBe("tandem-console");

    const page = await browser.follow(authorize.toString());
    expect(page.status).toBe(200);
    expect(page.body).toContain('<label for="password">Password</label>');
    const submitted = await browser.request("POST", loginFormAction(page)!, { form: { username: "hugo@northwind.test", password: "demo-helper-1" } });
    let step = await browser.request("GET", new URL(submitted.headers.location!, h.origin).toString());
    while (step.status >= 300 && !step.headers.location!.startsWith("/sessions")) step = await browser.request("GET", new URL(step.headers.location!, step.url).toString());
    expect(step.url).toContain("/auth/callback?");
    expect(step.headers.location).toBe("/sessions/recent");
    const cookie = step.headers["set-cookie"]!.find((c) => c.startsWith("__Host-tandem_session="))!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/Secure/);
    expect(cookie).toMatch(/SameSite=Lax/);

    const { status, body } = await me(h, browser);
    expect(status).toBe(200);
    expect(body.user).toEqual({
      userId: "nw-helper",
      name: "Hugo Moreau",
      jobTitle: "Help desk engineer",
      company: "Northwind Traders",
      photoUrl: expect.stringMatching(/^\/idp\/photos\/nw-helper\.svg\?sig=[\w-]{22}$/),
      verifiedDomain: "northwind.test",
      tenantName: "Northwind Traders",
    });
    expect(body).toMatchObject({ tenantId: "northwind.test", groups: ["help-desk"], amr: ["pwd"] });
    expect(body.csrfToken).toMatch(/^[\w-]{20,}$/);
  });

  it("a wrong password stays on the login page with a clear message and no session", async () => {
    const browser = h.browser();
    const page = await browser.follow(`${h.origin}/auth/login`);
    const refused = await browser.request("POST", loginFormAction(page)!, { form: { username: "hugo@northwind.test", password: "guess" } });
    expect(refused.status).toBe(401);
    expect(refused.body).toContain("That email and password do not match.");
    expect(refused.body).toContain('value="hugo@northwind.test"');
    expect((await me(h, browser)).status).toBe(401);
  });

  it("never redirects off-site after sign-in, and refuses a callback it did not start", async () => {
    const browser = h.browser();
    const login = await browser.request("GET", `${h.origin}/auth/login?returnTo=//evil.example/steal`);
    const page = await browser.follow(login.headers.location!);
    const submitted = await browser.request("POST", loginFormAction(page)!, { form: { username: "sam@northwind.test", password: "demo-sharer-1" } });
    let step = await browser.request("GET", new URL(submitted.headers.location!, h.origin).toString());
    while (step.status >= 300 && !step.url.includes("/auth/callback")) step = await browser.request("GET", new URL(step.headers.location!, step.url).toString());
    expect(step.headers.location).toBe("/");

    const forged = await h.browser().request("GET", `${h.origin}/auth/callback?code=abc&state=never-issued`);
    expect(forged.status).toBe(401);
    expect(JSON.parse(forged.body)).toMatchObject({ type: "error", code: "unauthenticated" });
  });

  it("the console's WebSocket is signed in by its cookie, from its own origin only", async () => {
    const browser = await h.consoleSignIn("hugo@northwind.test", "demo-helper-1");
    const cookie = [...browser.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
    const own = await BrokerClient.connect(h.wsUrl, { ca: h.ca, headers: { cookie, origin: h.origin } });
    own.send({ type: "hello", protocol: PROTOCOL_VERSION });
    expect(await own.next("welcome")).toMatchObject({ user: { userId: "nw-helper", name: "Hugo Moreau" } });
    own.kill();

    const foreign = await BrokerClient.connect(h.wsUrl, { ca: h.ca, headers: { cookie, origin: "https://evil.example" } });
    foreign.send({ type: "hello", protocol: PROTOCOL_VERSION });
    expect(await foreign.next("error")).toMatchObject({ code: "unauthenticated" });
  });

  it("signs out only with the CSRF token, and the cookie then opens nothing", async () => {
    const browser = await h.consoleSignIn("lea@northwind.test", "demo-sharer-2");
    const { body } = await me(h, browser);
    const cookie = [...browser.cookies].map(([k, v]) => `${k}=${v}`).join("; ");

    const noToken = await browser.request("POST", `${h.origin}/auth/logout`);
    expect(noToken.status).toBe(403);
    expect(JSON.parse(noToken.body)).toMatchObject({ code: "forbidden" });
    expect((await me(h, browser)).status).toBe(200);

    const out = await browser.request("POST", `${h.origin}/auth/logout`, { headers: { "x-csrf-token": body.csrfToken } });
    expect(out.status).toBe(200);
    expect(JSON.parse(out.body).endSessionUrl).toContain(`${h.origin}/idp/session/end?id_token_hint=`);
    expect((await me(h, browser)).status).toBe(401);

    const stale = await BrokerClient.connect(h.wsUrl, { ca: h.ca, headers: { cookie, origin: h.origin } });
    stale.send({ type: "hello", protocol: PROTOCOL_VERSION });
    expect(await stale.next("error")).toMatchObject({ code: "unauthenticated" });
  });

  it("refreshes the access token silently before it expires", async () => {
    const browser = await h.consoleSignIn("wei@northwind.test", "demo-viewer-1");
    const first = (await me(h, browser)).body.expiresAt as number;
    await new Promise((r) => setTimeout(r, 2500)); // 62 s tokens are inside the 60 s refresh margin after 2 s
    const second = (await me(h, browser)).body.expiresAt as number;
    expect(second).toBeGreaterThan(first);
    expect((await me(h, browser)).body.user.userId).toBe("nw-viewer");
  });
});

describe("desktop sign-in (public client, loopback redirect) and the second factor", () => {
  let h: IdpHarness;
  beforeAll(async () => {
    h = await startIdpHarness({ defaultTenantSettings: { allowUnenrolledDevices: true } }) // Fabrikam people share from no managed device here;
  });
  afterAll(() => h.close());

  it("a desktop token opens the WebSocket; password only means amr pwd", async () => {
    const client = await h.desktopClient("sam@northwind.test", "demo-sharer-1");
    expect(client.socket.readyState).toBe(client.socket.OPEN);
  });

  it("a valid one-time code adds mfa to the token; a wrong one is refused", async () => {
    const code = new TOTP({ secret: "JBSWY3DPEHPK3PXP", digits: 6, period: 30 }).generate();
    const token = await h.desktopToken("ada@northwind.test", "demo-admin-1", code);
    const claims = JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString());
    expect(claims).toMatchObject({ sub: "nw-admin", tid: "northwind.test", aud: "api://tandem", amr: ["pwd", "otp", "mfa"] });
    await expect(h.desktopToken("ada@northwind.test", "demo-admin-1", "000000")).rejects.toThrow(/HTTP 401/);
  });

  it("each party sees the other's verified profile from the directory, and the photo is served", async () => {
    const helper = await h.desktopClient("ravi@fabrikam.test", "demo-helper-2");
    const sharer = await h.desktopClient("omar@fabrikam.test", "demo-sharer-4");
    const created = await helper.request({ type: "session.create" }, "session.created");
    const joined = await sharer.request({ type: "session.join", code: created.code }, "session.joined");
    expect(joined.peer).toEqual({
      userId: "fb-helper",
      name: "Ravi Iyer",
      jobTitle: "Service desk analyst",
      company: "Fabrikam, Inc.",
      photoUrl: expect.stringMatching(/^\/idp\/photos\/fb-helper\.svg\?sig=[\w-]{22}$/),
      verifiedDomain: "fabrikam.test",
      tenantName: "Fabrikam, Inc.",
    });
    const peerJoined = await helper.next("session.peer_joined");
    expect(peerJoined.peer).toMatchObject({ userId: "fb-sharer-2", name: "عمر الفاسي", jobTitle: "Engineer", verifiedDomain: "fabrikam.test" });
    const photo = await h.browser().request("GET", `${h.origin}${peerJoined.peer.photoUrl}`);
    expect(photo.status).toBe(200);
    expect(photo.headers["content-type"]).toBe("image/svg+xml");
    expect(photo.body).toContain('aria-label="عمر الفاسي"');

    // Walking ids, or re-using one profile's signature for another, reads nobody's name.
    const photoOf = (userId: string, query: string) => h.browser().request("GET", `${h.origin}/idp/photos/${userId}.svg${query}`);
    const signature = new URL(peerJoined.peer.photoUrl!, h.origin).search;
    for (const [userId, query] of [["fb-sharer-2", ""], ["nw-admin", ""], ["nw-admin", signature], ["fb-sharer-2", "?sig=AAAAAAAAAAAAAAAAAAAAAA"]]) {
      const refused = await photoOf(userId!, query!);
      expect(refused.status, `${userId}${query}`).toBe(404);
      expect(refused.body).not.toMatch(/Ada|عمر/);
    }
  });
});
