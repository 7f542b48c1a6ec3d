import { type Kysely, type Selectable, sql } from "kysely";
import { type EndReason, type Level, type Party, type SessionStatus, Tool } from "../../protocol/index.js";
import type { InsertAudit } from "./audit-append.js";
import type { GroupCommit } from "./group-commit.js";
import type { Database, SessionsTable } from "./schema.js";
import type { NewSession, RedeemResult, SessionRecord, SharerTarget, Store } from "./store.js";

type SessionRows = Pick<Store, "insertSession" | "getSession" | "redeemCode" | "updateSession" | "listSessions" | "namesOf" | "listOpenSessions">;

/** Sessions: created with their code, redeemed once, changed at the version they were read, listed for reports. */
export function createSessionRows(db: Kysely<Database>, writes: GroupCommit<Database>, insertAudit: InsertAudit): SessionRows {
  return {
    insertSession(s: NewSession, audit) {
      return writes.run(async (tx) => {
        // A code hash already taken (by any broker) inserts nothing: the caller draws another code.
        const inserted = await tx
          .insertInto("sessions")
          .values({
            id: s.id,
            tenant_id: s.tenantId,
            code_hash: s.codeHash,
            code_expires_at: s.codeExpiresAt,
            status: s.status,
            level: s.level,
            requested_level: s.requestedLevel,
            paused: s.paused ? 1 : 0,
            end_reason: s.endReason,
            helper_id: s.helperId,
            helper_name: s.helperName,
            sharer_id: null,
            sharer_name: null,
            helper_profile: JSON.stringify(s.helperProfile),
            sharer_profile: null,
            sharer_target: null,
            target_device_id: s.targetDevice?.deviceId ?? null,
            target_device_name: s.targetDevice?.name ?? null,
            tools: s.tools.join(","),
            tools_off: s.toolsOff.join(","),
            helper_resume_hash: s.helperResumeHash,
            sharer_resume_hash: null,
            chat_seq: 0,
            created_at: s.createdAt,
            joined_at: null,
            ended_at: null,
          })
          .onConflict((oc) => oc.column("code_hash").doNothing())
          .returning("id")
          .executeTakeFirst();
        if (!inserted) return false;
        insertAudit(tx, audit);
        return true;
      });
    },

    async getSession(id) {
      const row = await db.selectFrom("sessions").selectAll().where("id", "=", id).executeTakeFirst();
      return row && toSession(row);
    },

    async redeemCode(codeHash, tenantId, r, audit): Promise<RedeemResult> {
      // The conditional UPDATE is the single-use guarantee: only one caller sees a changed row.
      const updated = await writes.run(async (tx) => {
        const row = await tx
        .updateTable("sessions")
        .set({
          status: "joined",
          sharer_id: r.sharerId,
          sharer_name: r.sharerName,
          sharer_profile: JSON.stringify(r.sharerProfile),
          sharer_target: JSON.stringify(r.sharerTarget),
          version: sql<number>`version + 1`,
          sharer_resume_hash: r.sharerResumeHash,
          joined_at: r.at,
        })
        .where("code_hash", "=", codeHash)
        .where("tenant_id", "=", tenantId)
        .where("status", "=", "created")
        .where("code_expires_at", ">", r.at)
        .returningAll()
        .executeTakeFirst();
        if (row) insertAudit(tx, { ...audit, tenantId: row.tenant_id, sessionId: row.id });
        return row;
      });
      if (updated) return { ok: true, session: toSession(updated) };
      const row = await db
        .selectFrom("sessions")
        .selectAll()
        .where("code_hash", "=", codeHash)
        .where("tenant_id", "=", tenantId)
        .executeTakeFirst();
      if (!row) return { ok: false, reason: "code_invalid" };
      const session = toSession(row);
      // A code nobody redeemed is spent by time (or by its session ending first), not by use.
      if (session.endReason === "code_cancelled") return { ok: false, reason: "code_cancelled", session };
      const expired = session.joinedAt === null;
      return { ok: false, reason: expired ? "code_expired" : "code_used", session };
    },

    async updateSession(id, patch, audit, expectedVersion) {
      const set: Partial<SessionsTable> = {};
      if (patch.status !== undefined) set.status = patch.status;
      if (patch.level !== undefined) set.level = patch.level;
      if (patch.requestedLevel !== undefined) set.requested_level = patch.requestedLevel;
      if (patch.paused !== undefined) set.paused = patch.paused ? 1 : 0;
      if (patch.endReason !== undefined) set.end_reason = patch.endReason;
      if (patch.endedAt !== undefined) set.ended_at = patch.endedAt;
      if (patch.tools !== undefined) set.tools = patch.tools.join(",");
      if (patch.toolsOff !== undefined) set.tools_off = patch.toolsOff.join(",");
      if (patch.helperResumeHash !== undefined) set.helper_resume_hash = patch.helperResumeHash;
      if (patch.sharerResumeHash !== undefined) set.sharer_resume_hash = patch.sharerResumeHash;
      if (patch.helperAwaySince !== undefined) set.helper_away_since = patch.helperAwaySince;
      if (patch.sharerAwaySince !== undefined) set.sharer_away_since = patch.sharerAwaySince;
      return writes.run(async (tx) => {
        let query = tx
          .updateTable("sessions")
          .set({ ...set, version: sql<number>`version + 1` })
          .where("id", "=", id);
        if (expectedVersion !== undefined) query = query.where("version", "=", expectedVersion);
        const result = await query.executeTakeFirst();
        if (Number(result.numUpdatedRows) === 0) return false;
        if (audit) insertAudit(tx, audit);
        return true;
      });
    },

    async listSessions(f) {
      let query = db.selectFrom("sessions").selectAll().where("tenant_id", "=", f.tenantId);
      if (f.from !== undefined) query = query.where("created_at", ">=", f.from);
      if (f.to !== undefined) query = query.where("created_at", "<", f.to);
      if (f.helperId !== undefined) query = query.where("helper_id", "=", f.helperId);
      if (f.sharerId !== undefined) query = query.where("sharer_id", "=", f.sharerId);
      if (f.endReason !== undefined) query = query.where("end_reason", "=", f.endReason);
      else if (!f.includeCancelled) query = query.where((eb) => eb.or([eb("end_reason", "is", null), eb("end_reason", "!=", "code_cancelled")]));
      const rows = await query.orderBy("created_at", "desc").orderBy("id").limit(f.limit).execute();
      return rows.map(toSession);
    },

    async namesOf(tenantId, ids) {
      const names = new Map<string, string>();
      if (ids.length === 0) return names;
      const [helpers, sharers] = await Promise.all([
        db.selectFrom("sessions").select(["helper_id as id", "helper_name as name"]).distinct().where("tenant_id", "=", tenantId).where("helper_id", "in", ids).execute(),
        db.selectFrom("sessions").select(["sharer_id as id", "sharer_name as name"]).distinct().where("tenant_id", "=", tenantId).where("sharer_id", "in", ids).execute(),
      ]);
      for (const row of [...helpers, ...sharers]) if (row.id !== null && row.name !== null) names.set(row.id, row.name);
      return names;
    },

    async listOpenSessions() {
      const rows = await db.selectFrom("sessions").selectAll().where("status", "!=", "ended").execute();
      return rows.map(toSession);
    },
  };
}

function toolsOf(column: string | null): Tool[] {
  return (column ?? "").split(",").filter((t): t is Tool => (Tool.options as string[]).includes(t));
}

function toSession(row: Selectable<SessionsTable>): SessionRecord {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    codeExpiresAt: Number(row.code_expires_at),
    status: row.status as SessionStatus,
    level: row.level as Level | null,
    requestedLevel: row.requested_level as Level | null,
    paused: Boolean(row.paused),
    endReason: row.end_reason as EndReason | null,
    helperId: row.helper_id,
    helperName: row.helper_name,
    sharerId: row.sharer_id,
    sharerName: row.sharer_name,
    helperProfile: JSON.parse(row.helper_profile) as Party,
    sharerProfile: row.sharer_profile === null ? null : (JSON.parse(row.sharer_profile) as Party),
    sharerTarget: row.sharer_target === null ? null : (JSON.parse(row.sharer_target) as SharerTarget),
    targetDevice: row.target_device_id === null ? null : { deviceId: row.target_device_id, name: row.target_device_name ?? "" },
    tools: toolsOf(row.tools),
    toolsOff: toolsOf(row.tools_off),
    helperResumeHash: row.helper_resume_hash,
    sharerResumeHash: row.sharer_resume_hash,
    createdAt: Number(row.created_at),
    joinedAt: row.joined_at === null ? null : Number(row.joined_at),
    endedAt: row.ended_at === null ? null : Number(row.ended_at),
    version: Number(row.version),
    helperAwaySince: row.helper_away_since === null ? null : Number(row.helper_away_since),
    sharerAwaySince: row.sharer_away_since === null ? null : Number(row.sharer_away_since),
  };
}
