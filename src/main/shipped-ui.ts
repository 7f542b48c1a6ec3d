import path from "node:path";
import type { LaunchRequest } from "./deep-link.js";

/**
 * The sharer UI ships inside the app (signed with it) and loads from a scheme
 * of its own, never from the network: a broker that is compromised, or a
 * script injected into its pages, cannot change what the sharer's window runs.
 * The page talks to the broker only over its WebSocket (and fetches nothing
 * else from it but photos); main serves these files and nothing else.
 */
export const APP_SCHEME = "app";
export const APP_HOST = "tandem";
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
/** Where vite writes the sharer page inside app/dist/ui (scripts/build-app.mjs). */
export const APP_ENTRY = "renderer/index.html";

/** Electron's registerSchemesAsPrivileged entry: a standard, secure origin (so WebCrypto, getDisplayMedia and CSP work as on https). */
export const APP_SCHEME_PRIVILEGES = { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: false, corsEnabled: false, stream: false } };

const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".woff2": "font/woff2",
  ".json": "application/json",
};

/** The app's own page, with the broker it talks to and the code to join (from a link), as main loads it. */
export function appPageUrl(brokerOrigin: string, pending: LaunchRequest): string {
  const url = new URL(`${APP_ORIGIN}/${APP_ENTRY}`);
  url.searchParams.set("broker", new URL(brokerOrigin).origin);
  if (pending && "code" in pending) url.searchParams.set("code", pending.code);
  if (pending && "error" in pending) url.searchParams.set("launchError", pending.error);
  return url.toString();
}

/** Only the app's own pages: app://tandem/…, nothing with credentials, nothing else. */
export function isAppUrl(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST && !parsed.username && !parsed.password;
}

/** The file under `root` a request for the app's scheme names, or null (another host, a path out of the folder, a type it does not ship). */
export function appFile(root: string, requestUrl: string): { file: string; contentType: string } | null {
  if (!isAppUrl(requestUrl)) return null;
  let pathname: string;
  try {
    pathname = decodeURIComponent(new URL(requestUrl).pathname);
  } catch {
    return null;
  }
  if (pathname.includes("\0") || pathname.includes("\\")) return null;
  const file = path.resolve(root, `.${path.posix.normalize(pathname)}`);
  if (!file.startsWith(path.resolve(root) + path.sep)) return null;
  const contentType = CONTENT_TYPES[path.extname(file).toLowerCase()];
  return contentType ? { file, contentType } : null;
}

/** The app page's policy: its own scripts and styles only; the network is the broker (WebSocket and photos over https). */
export function appPageCsp(brokerOrigin: string): string {
  const broker = new URL(brokerOrigin);
  const ws = `${broker.protocol === "https:" ? "wss" : "ws"}://${broker.host}`;
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob: https:",
    "media-src 'self' blob:",
    `connect-src 'self' ${broker.origin} ${ws}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "object-src 'none'",
  ].join("; ");
}
