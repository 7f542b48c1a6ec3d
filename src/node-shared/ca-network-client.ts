import https from "node:https";
import type { INetworkModule, NetworkRequestOptions, NetworkResponse } from "@azure/msal-node";

/**
 * msal's HTTP, trusting a given CA: the embedded IdP sits behind the broker's
 * own local certificate authority, which Node (and the OS) do not trust by
 * default. The broker uses it for the console's sign-in, the desktop app's
 * main when the managed configuration names the organisation's CA.
 */
export function caTrustingNetworkClient(ca: string): INetworkModule {
  const send = <T>(method: "GET" | "POST", url: string, options: NetworkRequestOptions = {}, timeoutMs = 10_000): Promise<NetworkResponse<T>> =>
    new Promise((resolve, reject) => {
      const request = https.request(url, { method, ca, headers: options.headers, timeout: timeoutMs }, (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          const headers = Object.fromEntries(Object.entries(response.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(", ") : (v ?? "")]));
          try {
            resolve({ status: response.statusCode ?? 0, headers, body: (text ? JSON.parse(text) : {}) as T });
          } catch {
            reject(new Error(`${method} ${url}: not JSON (HTTP ${response.statusCode})`));
          }
        });
      });
      request.on("timeout", () => request.destroy(new Error(`${method} ${url}: timed out`)));
      request.on("error", reject);
      request.end(options.body);
    });
  return {
    sendGetRequestAsync: (url, options, timeout) => send("GET", url, options, timeout),
    sendPostRequestAsync: (url, options) => send("POST", url, options),
  };
}
