import type { IncomingMessage, ServerResponse } from "node:http";
import querystring from "node:querystring";
import { TOTP } from "otpauth";
import type Provider from "oidc-provider";
import type { Directory, DirectoryUser } from "../directory.js";
import { avatarSvg } from "./avatar.js";
import { loginPage } from "./login-page.js";
import type { PhotoLinks } from "./photo-links.js";
import { CONSOLE_CLIENT_ID } from "./provider.js";
import type { Attempt, Lock, SignInThrottle } from "./sign-in-throttle.js";
import { HashingBusy } from "../password-hashing.js";
import { addressBucket } from "../../limits/address-bucket.js";
import type { AttemptLimiter } from "../../limits/attempt-limiter.js";

/**
 * Serves everything under /idp: our sign-in interaction and photos, and the
 * provider's own endpoints (with the prefix stripped, as the provider expects
 * when mounted).
 */
export const IDP_PREFIX = "/idp";
const MAX_FORM_BYTES = 16 * 1024;

/** Who is signing in from where, how failures are throttled, and who hears of a lock (the audit log). */
export interface SignInGuard {
  throttle: SignInThrottle;
  /** Sign-ins started per address (each leaves an interaction row until it expires). */
  signInStarts: AttemptLimiter;
  addressOf(req: IncomingMessage): string;
  onLock(lock: Lock, user: DirectoryUser | undefined, address: string): void;
}

export function createIdpHandler(provider: Provider, directory: Directory, photos: PhotoLinks, guard: SignInGuard) {
  const callback = provider.callback();

  return async function handleIdp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const url = new URL(req.url ?? "/", "http://x");
      const path = url.pathname.slice(IDP_PREFIX.length) || "/";
      const interaction = /^\/interaction\/([\w-]+)$/.exec(path);
      if (interaction && req.method === "GET") return await showLogin(req, res);
      if (interaction && req.method === "POST") return await submitLogin(req, res);
      const photo = /^\/photos\/([^/]+)\.svg$/.exec(path);
      if (photo && req.method === "GET") return servePhoto(res, decodeURIComponent(photo[1]!), url.searchParams.get("sig"));
      if (path === "/token" && req.method === "POST") await stripOfflineAccessOnRefresh(req);
      if (path === "/auth") {
        const started = await guard.signInStarts.take(`idp:${addressBucket(guard.addressOf(req))}`);
        if (started.wait > 0) return tooManyStarts(res, started.wait);
      }
      // Mounted the way Express mounts: the provider derives its mount path from originalUrl.
      (req as IncomingMessage & { originalUrl?: string }).originalUrl = req.url;
      req.url = req.url!.slice(IDP_PREFIX.length) || "/";
      await callback(req, res);
    } catch (error) {
      if (!res.headersSent) res.writeHead(400, { "content-type": "text/plain; charset=utf-8" });
      res.end(`sign-in request refused: ${(error as Error).message}`);
    }
  };

  async function showLogin(req: IncomingMessage, res: ServerResponse, error?: string, username?: string, status = error ? 401 : 200, retryAfterMs = 0) {
    const details = await provider.interactionDetails(req, res);
    if (details.prompt.name !== "login") {
      // Consent is implied for Tandem's own clients (see loadExistingGrant).
      return provider.interactionFinished(req, res, { consent: {} }, { mergeWithLastSubmission: true });
    }
    const clientName = details.params.client_id === CONSOLE_CLIENT_ID ? "the Tandem console" : "the Tandem app";
    if (retryAfterMs > 0) res.setHeader("retry-after", String(Math.ceil(retryAfterMs / 1000)));
    html(res, status, loginPage({ action: `${IDP_PREFIX}/interaction/${details.uid}`, clientName, error, username }));
  }

  async function submitLogin(req: IncomingMessage, res: ServerResponse) {
    // A post to an interaction that does not exist (or without its cookie) is refused before any password is hashed.
    await provider.interactionDetails(req, res);
    const form = await readForm(req);
    const username = String(form.username ?? "");
    const account = username.trim().toLowerCase();
    const address = guard.addressOf(req);
    const locked = (waitMs: number) => showLogin(req, res, `Too many failed sign-ins. Try again in ${Math.ceil(waitMs / 1000)} seconds.`, username, 429, waitMs);
    const settle = async (attempt: Attempt, failed: boolean, user: DirectoryUser | undefined) => {
      for (const lock of await attempt.settle(failed)) guard.onLock(lock, lock.kind === "address" ? undefined : user, address);
    };
    // Counted before the password is hashed (see SignInThrottle): parallel guesses cannot all slip under the limit.
    const passwordAttempt = await guard.throttle.attempt([["account", account], ["address", addressBucket(address)]]);
    if (passwordAttempt.wait > 0) return locked(passwordAttempt.wait);
    let user: DirectoryUser | undefined;
    try {
      user = await directory.authenticate(username, String(form.password ?? ""));
    } catch (error) {
      await passwordAttempt.settle(false); // never checked: not a failure
      if (!(error instanceof HashingBusy)) throw error;
      res.writeHead(503, { "content-type": "text/plain; charset=utf-8", "retry-after": "2" });
      res.end("Too many sign-ins at once; try again in a moment.");
      return;
    }
    if (!user) {
      await settle(passwordAttempt, true, directory.findUserByName(account));
      return showLogin(req, res, "That email and password do not match.", username);
    }
    const otp = String(form.otp ?? "").trim();
    if (otp) {
      const otpAttempt = await guard.throttle.attempt([["otp", account], ["address", addressBucket(address)]]);
      if (otpAttempt.wait > 0) {
        await passwordAttempt.settle(false);
        return locked(otpAttempt.wait);
      }
      if (!totpValid(user, otp)) {
        await settle(otpAttempt, true, user);
        await passwordAttempt.settle(false);
        return showLogin(req, res, "That one-time code is not valid.", username);
      }
      await otpAttempt.settle(false);
    }
    await passwordAttempt.settle(false);
    const amr = otp ? ["pwd", "otp", "mfa"] : ["pwd"];
    await provider.interactionFinished(req, res, { login: { accountId: user.id, amr } }, { mergeWithLastSubmission: false });
  }

  function servePhoto(res: ServerResponse, userId: string, sig: string | null) {
    const user = photos.valid(userId, sig) ? directory.findUser(userId) : undefined;
    if (!user) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-type": "image/svg+xml", "cache-control": "private, max-age=3600", "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'" });
    res.end(avatarSvg(user.id, user.displayName));
  }
}

/** Sign-ins started from one network are capped (each waits as a row until it expires): what the person is told. */
export function tooManyStartsText(waitMs: number): string {
  const minutes = Math.ceil(waitMs / 60_000);
  return `Too many sign-ins were started from your network. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`;
}

function tooManyStarts(res: ServerResponse, waitMs: number) {
  res.writeHead(429, { "content-type": "text/plain; charset=utf-8", "retry-after": String(Math.ceil(waitMs / 1000)), "cache-control": "no-store" });
  res.end(tooManyStartsText(waitMs));
}

function totpValid(user: DirectoryUser, code: string): boolean {
  if (!user.totpSecret) return false;
  const totp = new TOTP({ secret: user.totpSecret, digits: 6, period: 30 });
  return totp.validate({ token: code, window: 1 }) !== null;
}

function html(res: ServerResponse, status: number, body: string) {
  res.writeHead(status, {
    "content-type": "text/html; charset=utf-8",
    "cache-control": "no-store",
    "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
    "x-content-type-options": "nosniff",
  });
  res.end(body);
}

async function readBody(req: IncomingMessage): Promise<string> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_FORM_BYTES) throw new Error("form too large");
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}

async function readForm(req: IncomingMessage): Promise<querystring.ParsedUrlQuery> {
  return querystring.parse(await readBody(req));
}

/**
 * msal re-sends `offline_access` with a refresh, which the refresh grant refuses
 * as widening the scope; the provider reads an already-read body from req.body.
 */
async function stripOfflineAccessOnRefresh(req: IncomingMessage & { body?: string }) {
  const form = querystring.parse(await readBody(req));
  if (form.grant_type === "refresh_token" && typeof form.scope === "string") {
    form.scope = form.scope.split(" ").filter((s) => s !== "offline_access").join(" ");
  }
  req.body = querystring.stringify(form);
}
