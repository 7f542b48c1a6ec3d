import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDesktopSignIn, type DesktopSignInConfig } from "../src/main/desktop-sign-in.js";
import { EnrollmentRefused, needsRegistration, registerDevice } from "../src/main/device-enrollment.js";
import { loadOrCreateIdentity } from "../src/main/device-identity.js";
import { KeystoreUnavailable, type SecretBox, secureFile } from "../src/main/secure-file.js";
import { loginFormAction } from "../tools/http-session.js";
import { signInWithDevice } from "../tools/device-key.js";
import { api } from "./support/api.js";
import { northwind } from "./support/demo-people.js";
import { type IdpHarness, startIdpHarness } from "./support/idp-harness.js";

/**
 * What the desktop app's main does at first start, with its own code and the
 * real embedded IdP and broker: the sharer signs in through "the system
 * browser" (here an HTTP client that fills in the IdP's real login page) and
 * msal-node's loopback server; the token cache and the device key are kept
 * only encrypted; the device registers with the managed enrollment token.
 * Electron's safeStorage is the one stand-in: an AES-GCM box with the same interface.
 */
function keystore(available = true): SecretBox & { key: Buffer } {
  const key = crypto.randomBytes(32);
  return {
    key,
    isEncryptionAvailable: () => available,
    encryptString(plain) {
      const iv = crypto.randomBytes(12);
      const cipher = crypto.createCipheriv("aes-256-gcm", key, iv);
      const body = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), body]);
    },
    decryptString(data) {
      const decipher = crypto.createDecipheriv("aes-256-gcm", key, data.subarray(0, 12));
      decipher.setAuthTag(data.subarray(12, 28));
      return Buffer.concat([decipher.update(data.subarray(28)), decipher.final()]).toString("utf8");
    },
  };
}

describe("desktop app first start: sign-in, device key, enrollment", () => {
  let h: IdpHarness;
  let dir: string;
  let config: DesktopSignInConfig;
  beforeAll(async () => {
    h = await startIdpHarness();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "tandem-desktop-"));
    config = { kind: "embedded", issuer: `${h.origin}/idp`, clientId: "tandem-desktop", scopes: ["tandem"], ca: h.ca };
  });
  afterAll(async () => {
    await h.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** The system browser: opens the IdP, the person types their password, the IdP redirects to the app's loopback server. */
  const personAtBrowser = (username: string, password: string, seen: string[]) => async (url: string) => {
    seen.push(url);
    const browser = h.browser();
    const page = await browser.follow(url, "http://localhost:");
    const submitted = await browser.request("POST", loginFormAction(page)!, { form: { username, password, otp: "" } });
    const landed = await browser.follow(new URL(submitted.headers.location!, submitted.url).toString());
    // msal asks for response_mode=form_post: the IdP's page posts the code to the loopback server, as a browser would.
    const form = /<form method="post" action="(http:\/\/localhost:\d+[^"]*)">([\s\S]*?)<\/form>/.exec(landed.body);
    if (!form) throw new Error(`did not return to the app: ${landed.status} ${landed.url}`);
    const fields = new URLSearchParams([...form[2]!.matchAll(/name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1]!, m[2]!.replace(/&amp;/g, "&")]));
    const done = await fetch(form[1]!, { method: "POST", body: fields, headers: { "content-type": "application/x-www-form-urlencoded" } });
    seen.push(await done.text());
  };

  it("signs in through the loopback redirect, keeps the cache encrypted, and the next start needs no browser", async () => {
    const box = keystore();
    const cacheFile = path.join(dir, "msal-cache.bin");
    const opened: string[] = [];
    const first = createDesktopSignIn(config, { cache: secureFile(cacheFile, box), openBrowser: personAtBrowser(northwind.sharer.username, northwind.sharer.password, opened) });
    const { accessToken, name } = await first.interactiveToken();
    expect(name).toBe("Sam Okafor");
    expect(opened[1]).toContain("You are signed in to Tandem"); // the page the browser shows afterwards
    const authorize = new URL(opened[0]!);
    expect(authorize.origin + authorize.pathname).toBe(`${h.origin}/idp/auth`);
    expect(authorize.searchParams.get("code_challenge_method")).toBe("S256");
    expect(authorize.searchParams.get("redirect_uri")).toMatch(/^http:\/\/localhost:\d+$/);

    // The cache on disk is ciphertext: no token, no refresh token, no name in it.
    const onDisk = fs.readFileSync(cacheFile);
    expect(onDisk.toString("latin1")).not.toContain(accessToken.slice(0, 40));
    expect(onDisk.toString("latin1")).not.toMatch(/refresh|Sam Okafor|RefreshToken/i);

    // A new start of the app: a token from the cache, no browser.
    const never = async () => expect.fail("the browser must not open for a cached sign-in");
    const second = createDesktopSignIn(config, { cache: secureFile(cacheFile, box), openBrowser: never });
    const silent = await second.silentToken();
    expect(silent).toMatch(/^ey/);
    const client = await signInWithDevice(h.wsUrl, silent!, northwind.sharer.id, await (await import("../tools/device-key.js")).newDeviceKey(), { ca: h.ca }).catch((e: Error) => e);
    expect(client).toBeInstanceOf(Error); // an unregistered device cannot prove itself...
    // ...but the token itself is good at the broker:
    const me = await api(h.origin, h.ca, silent!, "GET", "/api/me/permissions");
    expect(me.status).toBe(200);

    // Another machine's keystore cannot read it: the app signs in again instead of crashing.
    const elsewhere = createDesktopSignIn(config, { cache: secureFile(cacheFile, keystore()), openBrowser: never });
    expect(await elsewhere.silentToken()).toBeNull();
    await second.signOut();
    expect(fs.existsSync(cacheFile)).toBe(false);
  });

  it("without a keystore, signs in for this run only and writes nothing", async () => {
    const cacheFile = path.join(dir, "no-keystore.bin");
    const app = createDesktopSignIn(config, { cache: secureFile(cacheFile, keystore(false)), openBrowser: personAtBrowser(northwind.sharer.username, northwind.sharer.password, []) });
    expect((await app.interactiveToken()).accessToken).toMatch(/^ey/);
    expect(await app.silentToken()).toMatch(/^ey/); // this run keeps it in memory
    expect(fs.existsSync(cacheFile)).toBe(false);
  });

  it("keeps the device key in the keystore: same device id on every start, nothing written without a keystore", async () => {
    const box = keystore();
    const file = path.join(dir, "device-key.bin");
    const first = await loadOrCreateIdentity(secureFile(file, box));
    const again = await loadOrCreateIdentity(secureFile(file, box));
    expect(first.created).toBe(true);
    expect(again.created).toBe(false);
    expect(again.identity.id).toBe(first.identity.id);
    expect(fs.readFileSync(file).toString("latin1")).not.toContain('"d"');
    expect((fs.statSync(file).mode & 0o777).toString(8)).toBe("600");
    await expect(loadOrCreateIdentity(secureFile(path.join(dir, "nowhere.bin"), keystore(false)))).rejects.toBeInstanceOf(KeystoreUnavailable);
    expect(fs.existsSync(path.join(dir, "nowhere.bin"))).toBe(false);
  });

  it("registers the device with the managed enrollment token as enrolled, refuses a wrong one, and proves it afterwards", async () => {
    const admin = await h.desktopToken(northwind.admin.username, northwind.admin.password);
    const enrollmentToken = (await api(h.origin, h.ca, admin, "POST", "/api/enrollment-token")).body.token as string;
    const token = await h.desktopToken(northwind.sharer.username, northwind.sharer.password);
    const { identity } = await loadOrCreateIdentity(secureFile(path.join(dir, "device-2.bin"), keystore()));
    const facts = { platform: "macos" as const, osVersion: "15.1", appVersion: "1.2.0" };

    const wrong = await registerDevice({ wsUrl: h.wsUrl, ca: h.ca, accessToken: token, identity, name: "Sam's MacBook", facts, enrollmentToken: "not-the-tenant-token-at-all" }).catch((e: unknown) => e);
    expect(wrong).toBeInstanceOf(EnrollmentRefused);
    expect(wrong).toMatchObject({ code: "forbidden" });

    const registered = await registerDevice({ wsUrl: h.wsUrl, ca: h.ca, accessToken: token, identity, name: "Sam's MacBook", facts, enrollmentToken });
    expect(registered).toEqual({ deviceId: identity.id, enrolled: true });
    const { welcome } = await signInWithDevice(h.wsUrl, token, northwind.sharer.id, identity, { ca: h.ca }, facts);
    expect(welcome.device).toEqual({ deviceId: identity.id, enrolled: true });

    const previous = { ...registered, brokerOrigin: h.origin };
    expect(needsRegistration(previous, h.origin, identity.id, true)).toBe(false);
    expect(needsRegistration({ ...previous, enrolled: false }, h.origin, identity.id, true)).toBe(true);
    expect(needsRegistration({ ...previous, enrolled: false }, h.origin, identity.id, false)).toBe(false);
    expect(needsRegistration(previous, "https://other.example", identity.id, false)).toBe(true);
    expect(needsRegistration(null, h.origin, identity.id, false)).toBe(true);
  });
});
