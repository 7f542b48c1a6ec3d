import { createHash, randomBytes } from "node:crypto";
import { HttpSession, loginFormAction } from "./http-session.js";

/**
 * Signs in as the desktop app does (public client, auth code + PKCE, loopback
 * redirect), with a person's credentials typed into the IdP's real login page.
 * For the demo, tests and benchmarks: the same flow a user goes through.
 */
export interface DesktopTokens {
  accessToken: string;
  refreshToken?: string;
  idToken: string;
  expiresIn: number;
}

export async function signInAsDesktop(o: { issuer: string; ca?: string; username: string; password: string; otp?: string; localAddress?: string }): Promise<DesktopTokens> {
  const browser = new HttpSession(o.ca, o.localAddress);
  const verifier = randomBytes(32).toString("base64url");
  const challenge = createHash("sha256").update(verifier).digest("base64url");
  const redirectUri = "http://127.0.0.1:53682/callback";
  const state = randomBytes(16).toString("base64url");
  const authorize = new URL(`${o.issuer}/auth`);
  for (const [k, v] of Object.entries({
    client_id: "tandem-desktop",
    response_type: "code",
    redirect_uri: redirectUri,
    scope: "openid profile offline_access tandem",
    code_challenge: challenge,
    code_challenge_method: "S256",
    state,
  })) authorize.searchParams.set(k, v);

  const loginPage = await browser.follow(authorize.toString(), redirectUri);
  const action = loginFormAction(loginPage);
  if (!action) throw new Error(`no login page at the IdP (HTTP ${loginPage.status})`);
  const submitted = await browser.request("POST", action, { form: { username: o.username, password: o.password, otp: o.otp ?? "" } });
  if (submitted.status !== 303) throw new Error(`sign-in refused (HTTP ${submitted.status})`);
  const landed = await browser.follow(new URL(submitted.headers.location!, action).toString(), redirectUri);
  const callback = new URL(landed.url);
  if (!landed.url.startsWith(redirectUri) || callback.searchParams.get("state") !== state) throw new Error(`sign-in did not return to the app: ${landed.url} (HTTP ${landed.status}: ${landed.body.slice(0, 300)})`);
  const code = callback.searchParams.get("code");
  if (!code) throw new Error(`sign-in failed: ${callback.searchParams.get("error_description") ?? callback.searchParams.get("error")}`);

  const token = await browser.request("POST", `${o.issuer}/token`, {
    form: { grant_type: "authorization_code", code, redirect_uri: redirectUri, client_id: "tandem-desktop", code_verifier: verifier },
  });
  if (token.status !== 200) throw new Error(`token request failed (HTTP ${token.status}): ${token.body}`);
  const body = JSON.parse(token.body) as { access_token: string; refresh_token?: string; id_token: string; expires_in: number };
  return { accessToken: body.access_token, refreshToken: body.refresh_token, idToken: body.id_token, expiresIn: body.expires_in };
}
