import https from "node:https";

/** A JSON call to the broker's HTTP API with a bearer token. The body is whatever the API answered. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read arbitrary answers field by field
export function api(origin: string, ca: string, token: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: any; text: string; headers: Record<string, unknown> }> {
  const payload = body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const request = https.request(
      `${origin}${path}`,
      { method, ca, headers: { authorization: `Bearer ${token}`, ...(payload !== undefined ? { "content-type": "application/json", "content-length": String(Buffer.byteLength(payload)) } : {}) } },
      (response) => {
        let text = "";
        response.on("data", (c) => (text += c));
        response.on("end", () => {
          let parsed: unknown = text;
          try {
            parsed = text ? JSON.parse(text) : null;
          } catch {
            /* CSV or empty */
          }
          resolve({ status: response.statusCode ?? 0, body: parsed, text, headers: response.headers });
        });
      },
    );
    request.on("error", reject);
    request.end(payload);
  });
}
