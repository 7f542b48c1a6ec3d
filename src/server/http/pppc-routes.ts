import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { buildPppcProfile, defaultBundleId, PPPC_SERVICES, PppcOptions, profileWarnings } from "../../pppc/index.js";
import { sendError } from "./typed-errors.js";
import type { ApiGuard } from "./api-caller.js";

/**
 * "Deploy to Macs": the PPPC profile for the Tandem app, for admins. The same
 * generator as the CLI, so the same inputs give the same bytes.
 */
const Request = z
  .object({
    teamId: z.string(),
    bundleId: z.string().optional(),
    organization: z.string().optional(),
    identifierPrefix: z.string().optional(),
    services: z.array(z.enum(PPPC_SERVICES)).optional(),
    allowStandardUserApproval: z.boolean().optional(),
  })
  .strict();

export function registerPppcRoutes(app: FastifyInstance, o: { guard: ApiGuard }) {
  const appBundleId = (() => {
    try {
      return defaultBundleId();
    } catch {
      return "org.tandemhelp.Tandem";
    }
  })();

  app.post("/api/pppc-profile", async (request, reply) => {
    const caller = await o.guard(request, reply, "settings.manage");
    if (!caller) return reply;
    const body = Request.safeParse(request.body ?? {});
    if (!body.success) return sendError(reply, 400, "bad_message", body.error.issues[0]?.message ?? "invalid request");
    const bundleId = body.data.bundleId ?? appBundleId;
    const options = PppcOptions.safeParse({
      ...body.data,
      bundleId,
      organization: body.data.organization ?? caller.identity.profile.tenantName,
      identifierPrefix: body.data.identifierPrefix ?? bundleId,
    });
    if (!options.success) {
      const issue = options.error.issues[0]!;
      return sendError(reply, 400, "bad_message", `${String(issue.path[0])}: ${issue.message}`);
    }
    const profile = buildPppcProfile(options.data);
    const filename = `tandem-pppc-${options.data.teamId}.mobileconfig`;
    if ((request.query as { download?: string }).download !== undefined) {
      return reply.type("application/x-apple-aspen-config").header("content-disposition", `attachment; filename="${filename}"`).send(profile);
    }
    return { filename, profile, warnings: profileWarnings(options.data), options: options.data };
  });
}
