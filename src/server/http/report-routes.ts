import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { EndReason } from "../../protocol/index.js";
import type { AuditLog } from "../audit/audit-log.js";
import { REPORT_COLUMNS, type SessionReports } from "../sessions/session-reports.js";
import type { ApiGuard } from "./api-caller.js";
import { parse } from "./admin-routes.js";
import { toCsv } from "./csv.js";

/** Session reports (JSON or CSV), the audit log, and its chain verification, for the caller's tenant. */
const ReportQuery = z.object({
  from: z.coerce.number().int().optional(),
  to: z.coerce.number().int().optional(),
  helper: z.string().max(256).optional(),
  sharer: z.string().max(256).optional(),
  endReason: EndReason.optional(),
  format: z.enum(["json", "csv"]).default("json"),
  limit: z.coerce.number().int().min(1).max(10_000).default(1000),
  /** `include`: list sessions whose code was cancelled before anyone joined (left out by default: nobody was helped). */
  cancelled: z.enum(["include", "exclude"]).default("exclude"),
});

const AuditQuery = z
  .object({
    sessionId: z.string().uuid().optional(),
    actor: z.string().min(1).max(256).optional(),
    /** Comma-separated action names. */
    action: z
      .string()
      .max(1024)
      .transform((text) => text.split(",").filter(Boolean))
      .pipe(z.array(z.string().regex(/^[a-z_.]{1,64}$/)).max(20))
      .optional(),
    from: z.coerce.number().int().min(0).optional(),
    to: z.coerce.number().int().min(0).optional(),
    before: z.coerce.number().int().min(1).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .strict();

export function registerReportRoutes(app: FastifyInstance, o: { guard: ApiGuard; reports: SessionReports; auditLog: AuditLog }) {
  app.get("/api/reports/sessions", async (request, reply) => {
    const caller = await o.guard(request, reply, "reports.read");
    const q = caller && parse(reply, ReportQuery, request.query);
    if (!caller || !q) return reply;
    const rows = await o.reports.list(caller.identity.tenantId, { from: q.from, to: q.to, helperId: q.helper, sharerId: q.sharer, endReason: q.endReason, includeCancelled: q.cancelled === "include", limit: q.limit });
    if (q.format === "json") return rows;
    const header = REPORT_COLUMNS;
    const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
    const csv = toCsv(
      [...header],
      rows.map((r) => header.map((k) => (k.endsWith("At") ? iso(r[k] as number | null) : (r[k] as string | number | boolean | null)?.toString() ?? null))),
    );
    return reply.type("text/csv; charset=utf-8").header("content-disposition", 'attachment; filename="tandem-sessions.csv"').send(csv);
  });

  /** The signed-in helper's own sessions, for everyone who helps (no report permission needed). */
  app.get("/api/me/sessions", async (request, reply) => {
    const caller = await o.guard(request, reply, null);
    if (!caller) return reply;
    return o.reports.list(caller.identity.tenantId, { helperId: caller.identity.userId, limit: 100 });
  });

  /** Newest first, a page at a time: `next` is the cursor for the page after (older), null at the start of the log. */
  app.get("/api/audit", async (request, reply) => {
    const caller = await o.guard(request, reply, "reports.read");
    const q = caller && parse(reply, AuditQuery, request.query);
    if (!caller || !q) return reply;
    return o.auditLog.page(caller.identity, { sessionId: q.sessionId, actorId: q.actor, actions: q.action, from: q.from, to: q.to, beforeId: q.before }, q.limit);
  });

  app.get("/api/audit/verify", async (request, reply) => {
    const caller = await o.guard(request, reply, "reports.read");
    if (!caller) return reply;
    return o.auditLog.verify(caller.identity.tenantId);
  });
}
