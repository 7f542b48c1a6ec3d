import type { SessionFilter, SessionRecord, Store } from "../store/store.js";

/** One row of the session report (JSON, and the CSV's columns in this order). */
export function sessionReportRow(s: SessionRecord) {
  return {
    sessionId: s.id,
    helperId: s.helperId,
    helperName: s.helperName,
    sharerId: s.sharerId,
    sharerName: s.sharerName,
    deviceId: s.sharerTarget?.device?.deviceId ?? null,
    deviceEnrolled: s.sharerTarget?.device?.enrolled ?? false,
    deviceCompliant: s.sharerTarget?.device?.compliant ?? null,
    level: s.level,
    status: s.status,
    endReason: s.endReason,
    createdAt: s.createdAt,
    joinedAt: s.joinedAt,
    endedAt: s.endedAt,
    durationSeconds: s.joinedAt !== null && s.endedAt !== null ? Math.round((s.endedAt - s.joinedAt) / 1000) : null,
  };
}

export const REPORT_COLUMNS = [
  "sessionId",
  "helperId",
  "helperName",
  "sharerId",
  "sharerName",
  "deviceId",
  "deviceEnrolled",
  "deviceCompliant",
  "level",
  "status",
  "endReason",
  "createdAt",
  "joinedAt",
  "endedAt",
  "durationSeconds",
] as const satisfies readonly (keyof ReturnType<typeof sessionReportRow>)[];

/** What a report may narrow by: a session filter within the caller's tenant. */
export type ReportFilter = Omit<SessionFilter, "tenantId">;

/** A tenant's sessions as reports show them, newest first. */
export function createSessionReports(store: Store) {
  return {
    async list(tenantId: string, filter: ReportFilter) {
      return (await store.listSessions({ tenantId, ...filter })).map(sessionReportRow);
    },
  };
}
export type SessionReports = ReturnType<typeof createSessionReports>;
