import type { FastifyInstance } from "fastify";
import type { TlsMaterial } from "../tls/local-ca.js";

/** Health, the local CA to trust, and a plain front page. */
export function registerStatusRoutes(
  app: FastifyInstance,
  o: { tls: TlsMaterial | null; stats: () => { connections: number; liveSessions: number } },
) {
  app.get("/healthz", async () => ({ ok: true, ...o.stats() }));

  if (o.tls?.caCert) {
    const caCert = o.tls.caCert;
    app.get("/ca.crt", async (_request, reply) =>
      reply.type("application/x-x509-ca-cert").header("content-disposition", 'attachment; filename="tandem-local-ca.crt"').send(caCert),
    );
  }

  app.get("/", async (_request, reply) =>
    reply
      .type("text/html; charset=utf-8")
      .header("content-security-policy", "default-src 'none'; style-src 'unsafe-inline'")
      .send(FRONT_PAGE),
  );
}

const FRONT_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Tandem broker</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem}code{background:#eee;padding:0 .2em}</style></head>
<body><h1>Tandem broker is running</h1>
<p>Helpers and sharers connect to the WebSocket at <code>/ws</code>. Health: <a href="/healthz">/healthz</a>.</p>
<p>To trust this broker's local certificate authority, download <a href="/ca.crt">ca.crt</a>.</p></body></html>`;
