import fs from "node:fs";
import type { DesktopCapturerSource, Session } from "electron";
import { PAGE_CSP } from "../protocol/index.js";
import { issuedByPrivateCa } from "./private-ca.js";
import { downloadPlan } from "./downloads.js";
import { APP_SCHEME, appFile, appPageCsp, isAppUrl } from "./shipped-ui.js";
import { permissionAllowed } from "./window-policy.js";

/**
 * What the sharer page's session may do, and from where: the UI the app
 * ships is served from its own files (never from the network) with its
 * policy; permissions and screen capture only for that page; the broker's
 * certificate trusted only when the organisation's CA issued it.
 */
export function fencePageSession(pageSession: Session, o: { brokerOrigin: string; brokerCa: string | undefined; uiRoot: string; downloadsDir: string; screenSource: () => Promise<DesktopCapturerSource | undefined> }): void {
  const csp = appPageCsp(o.brokerOrigin);
  pageSession.protocol.handle(APP_SCHEME, async (request) => {
    const found = appFile(o.uiRoot, request.url);
    if (!found) return new Response("not found", { status: 404 });
    const body = await fs.promises.readFile(found.file).catch(() => null);
    return body ? new Response(body, { headers: { "content-type": found.contentType, "content-security-policy": csp, "x-content-type-options": "nosniff" } }) : new Response("not found", { status: 404 });
  });
  pageSession.setPermissionRequestHandler((contents, permission, callback) => callback(permissionAllowed(permission, contents.getURL())));
  pageSession.setPermissionCheckHandler((_contents, permission, origin) => permissionAllowed(permission, origin));
  pageSession.setDisplayMediaRequestHandler(async (request, callback) => {
    if (!isAppUrl(request.securityOrigin)) return callback({});
    const source = await o.screenSource();
    callback(source ? { video: source } : {});
  });
  pageSession.setCertificateVerifyProc((request, callback) => {
    // 0: trusted; -3: Chromium's own verdict stands.
    const host = new URL(o.brokerOrigin).hostname;
    callback(o.brokerCa && request.hostname === host && issuedByPrivateCa(request.certificate.data, o.brokerCa, host) ? 0 : -3);
  });
  // A file the helper sent (a blob of the page, hash-checked there): saved where the sharer chooses, under a safe name; nothing else downloads.
  pageSession.on("will-download", (event, item) => {
    const plan = downloadPlan(item.getURL(), item.getFilename(), o.downloadsDir);
    if (plan) item.setSaveDialogOptions({ defaultPath: plan.defaultPath });
    else event.preventDefault();
  });
  // Anything else the session loads (the broker's photos) gets the broker page's policy, should it ever be a document.
  pageSession.webRequest.onHeadersReceived((details, callback) => callback({ responseHeaders: { ...details.responseHeaders, "Content-Security-Policy": [PAGE_CSP] } }));
}
