import http from "node:http";
import https from "node:https";

/**
 * A browser-like HTTP client for headless sign-in: a cookie jar for one site,
 * manual redirects, trust in a given CA. Enough for real OIDC redirects and
 * form posts; no script.
 */
export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  url: string;
}

export class HttpSession {
  /** Cookies by name and path, as a browser keeps them for one host. */
  private readonly jar = new Map<string, { name: string; value: string; path: string }>();

  /** Cookie values by name, for tests that look at them. */
  get cookies(): Map<string, string> {
    return new Map([...this.jar.values()].map((c) => [c.name, c.value]));
  }

  /** `localAddress`: send from this address (e.g. 127.0.0.2, another client as far as per-address limits go). */
  constructor(
    private readonly ca?: string,
    private readonly localAddress?: string,
  ) {}

  request(method: string, url: string, options: { form?: Record<string, string>; headers?: Record<string, string> } = {}): Promise<HttpResponse> {
    const target = new URL(url);
    const body = options.form ? new URLSearchParams(options.form).toString() : undefined;
    const headers: Record<string, string> = { ...options.headers };
    const sent = [...this.jar.values()].filter((c) => target.pathname === c.path || target.pathname.startsWith(c.path.endsWith("/") ? c.path : `${c.path}/`));
    if (sent.length) headers.cookie = sent.map((c) => `${c.name}=${c.value}`).join("; ");
    if (body !== undefined) {
      headers["content-type"] = "application/x-www-form-urlencoded";
      headers["content-length"] = String(Buffer.byteLength(body));
    }
    const lib = target.protocol === "https:" ? https : http;
    return new Promise((resolve, reject) => {
      const from = this.localAddress ? { localAddress: this.localAddress, family: 4 } : {};
      const req = lib.request(target, { method, headers, ca: this.ca, ...from }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          for (const line of res.headers["set-cookie"] ?? []) this.storeCookie(line, target.pathname);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8"), url });
        });
      });
      req.on("error", reject);
      req.end(body);
    });
  }

  /**
   * Follows redirects from a GET until a page is served, or until a redirect
   * leaves for `stopAt` (a loopback redirect URI nobody listens on).
   */
  async follow(url: string, stopAt?: string, limit = 15): Promise<HttpResponse> {
    let response = await this.request("GET", url);
    for (let i = 0; i < limit && response.status >= 300 && response.status < 400; i++) {
      const next = new URL(response.headers.location!, response.url).toString();
      if (stopAt && next.startsWith(stopAt)) return { ...response, url: next };
      response = await this.request("GET", next);
    }
    return response;
  }

  private storeCookie(line: string, requestPath: string) {
    const [pair, ...attributes] = line.split(";");
    const eq = pair!.indexOf("=");
    const [name, value] = [pair!.slice(0, eq).trim(), pair!.slice(eq + 1).trim()];
    const attribute = (key: string) => attributes.map((a) => a.trim()).find((a) => a.toLowerCase().startsWith(`${key}=`))?.slice(key.length + 1);
    const path = attribute("path") ?? requestPath.slice(0, requestPath.lastIndexOf("/")) ?? "/";
    const expires = attribute("expires");
    const expired = attribute("max-age") === "0" || (expires !== undefined && Date.parse(expires) < Date.now());
    const key = `${name}\0${path || "/"}`;
    if (expired || value === "") this.jar.delete(key);
    else this.jar.set(key, { name, value, path: path || "/" });
  }
}

/** The sign-in form's action on an IdP login page, or null when the page is not one. */
export function loginFormAction(page: HttpResponse): string | null {
  const match = /<form method="post" action="([^"]+)"/.exec(page.body);
  return match ? new URL(match[1]!.replace(/&amp;/g, "&"), page.url).toString() : null;
}
