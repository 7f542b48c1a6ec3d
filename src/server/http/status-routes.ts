import type { FastifyInstance } from "fastify";
import type { TlsMaterial } from "../tls/local-ca.js";

/** Health and the local CA to trust. */
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
}
