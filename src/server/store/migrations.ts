import { type Kysely, type Migration, type MigrationProvider, Migrator, sql } from "kysely";
import { GENESIS_HASH, legacyChainHash } from "./audit-chain.js";
import type { Engine } from "./engine.js";

/**
 * Schema migrations, in order. Written once for every engine; the only
 * engine-specific piece is how an auto-incrementing key is spelled.
 */
function migrationsFor(engine: Engine): Record<string, Migration> {
  const serialKey = engine === "postgres" ? sql`bigserial` : sql`integer`;
  return {
    "0001_sessions_chat_audit": {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable("sessions")
          .addColumn("id", "text", (c) => c.primaryKey())
          .addColumn("tenant_id", "text", (c) => c.notNull())
          .addColumn("code_hash", "text", (c) => c.notNull().unique())
          .addColumn("code_expires_at", "bigint", (c) => c.notNull())
          .addColumn("status", "text", (c) => c.notNull())
          .addColumn("level", "text")
          .addColumn("requested_level", "text")
          .addColumn("paused", "integer", (c) => c.notNull().defaultTo(0))
          .addColumn("end_reason", "text")
          .addColumn("helper_id", "text", (c) => c.notNull())
          .addColumn("helper_name", "text", (c) => c.notNull())
          .addColumn("sharer_id", "text")
          .addColumn("sharer_name", "text")
          .addColumn("helper_resume_hash", "text", (c) => c.notNull())
          .addColumn("sharer_resume_hash", "text")
          .addColumn("chat_seq", "integer", (c) => c.notNull().defaultTo(0))
          .addColumn("created_at", "bigint", (c) => c.notNull())
          .addColumn("joined_at", "bigint")
          .addColumn("ended_at", "bigint")
          .execute();
        await db.schema.createIndex("sessions_tenant_created").on("sessions").columns(["tenant_id", "created_at"]).execute();

        await db.schema
          .createTable("chat_messages")
          .addColumn("session_id", "text", (c) => c.notNull().references("sessions.id"))
          .addColumn("seq", "integer", (c) => c.notNull())
          .addColumn("sender_id", "text", (c) => c.notNull())
          .addColumn("sender_role", "text", (c) => c.notNull())
          .addColumn("sender_name", "text", (c) => c.notNull())
          .addColumn("text", "text", (c) => c.notNull())
          .addColumn("created_at", "bigint", (c) => c.notNull())
          .addPrimaryKeyConstraint("chat_messages_pk", ["session_id", "seq"])
          .execute();

        await db.schema
          .createTable("audit_events")
          .addColumn("id", serialKey, (c) => (engine === "postgres" ? c.primaryKey() : c.primaryKey().autoIncrement()))
          .addColumn("tenant_id", "text", (c) => c.notNull())
          .addColumn("session_id", "text")
          .addColumn("actor_id", "text")
          .addColumn("action", "text", (c) => c.notNull())
          .addColumn("detail", "text", (c) => c.notNull())
          .addColumn("at", "bigint", (c) => c.notNull())
          .execute();
        await db.schema.createIndex("audit_events_tenant_at").on("audit_events").columns(["tenant_id", "at"]).execute();
      },
    },
    "0002_party_profiles": {
      async up(db: Kysely<unknown>) {
        await db.schema.alterTable("sessions").addColumn("helper_profile", "text", (c) => c.notNull().defaultTo("{}")).execute();
        await db.schema.alterTable("sessions").addColumn("sharer_profile", "text").execute();
      },
    },
    "0003_idp_records": {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable("idp_records")
          .addColumn("model", "text", (c) => c.notNull())
          .addColumn("id", "text", (c) => c.notNull())
          .addColumn("payload", "text", (c) => c.notNull())
          .addColumn("grant_id", "text")
          .addColumn("user_code", "text")
          .addColumn("uid", "text")
          .addColumn("expires_at", "bigint")
          .addPrimaryKeyConstraint("idp_records_pk", ["model", "id"])
          .execute();
        await db.schema.createIndex("idp_records_grant").on("idp_records").column("grant_id").execute();
        await db.schema.createIndex("idp_records_uid").on("idp_records").columns(["model", "uid"]).execute();
      },
    },
    "0004_tenant_documents_audit_chain": {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable("tenant_documents")
          .addColumn("tenant_id", "text", (c) => c.notNull())
          .addColumn("kind", "text", (c) => c.notNull())
          .addColumn("id", "text", (c) => c.notNull())
          .addColumn("body", "text", (c) => c.notNull())
          .addColumn("updated_at", "bigint", (c) => c.notNull())
          .addPrimaryKeyConstraint("tenant_documents_pk", ["tenant_id", "kind", "id"])
          .execute();
        await db.schema.alterTable("audit_events").addColumn("seq", "bigint", (c) => c.notNull().defaultTo(0)).execute();
        await db.schema.alterTable("audit_events").addColumn("prev_hash", "text", (c) => c.notNull().defaultTo("")).execute();
        await db.schema.alterTable("audit_events").addColumn("hash", "text", (c) => c.notNull().defaultTo("")).execute();
        // Rows written before the chain existed join it now, in their original order.
        const rows = await sql<{ id: number; tenant_id: string; session_id: string | null; actor_id: string | null; action: string; detail: string; at: number }>`select id, tenant_id, session_id, actor_id, action, detail, at from audit_events order by id`.execute(db);
        const heads = new Map<string, { seq: number; hash: string }>();
        for (const r of rows.rows) {
          const head = heads.get(r.tenant_id) ?? { seq: 0, hash: GENESIS_HASH };
          const seq = head.seq + 1;
          const hash = legacyChainHash(head.hash, { tenantId: r.tenant_id, seq, sessionId: r.session_id, actorId: r.actor_id, action: r.action, detailJson: r.detail, at: Number(r.at) });
          await sql`update audit_events set seq = ${seq}, prev_hash = ${head.hash}, hash = ${hash} where id = ${r.id}`.execute(db);
          heads.set(r.tenant_id, { seq, hash });
        }
        await db.schema.createIndex("audit_events_tenant_seq").unique().on("audit_events").columns(["tenant_id", "seq"]).execute();
      },
    },
    "0005_devices": {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable("devices")
          .addColumn("tenant_id", "text", (c) => c.notNull())
          .addColumn("id", "text", (c) => c.notNull())
          .addColumn("name", "text", (c) => c.notNull())
          .addColumn("platform", "text", (c) => c.notNull())
          .addColumn("os_version", "text", (c) => c.notNull())
          .addColumn("app_version", "text", (c) => c.notNull())
          .addColumn("owner_id", "text", (c) => c.notNull())
          .addColumn("groups", "text", (c) => c.notNull().defaultTo("[]"))
          .addColumn("public_key", "text", (c) => c.notNull())
          .addColumn("enrolled", "integer", (c) => c.notNull())
          .addColumn("registered_at", "bigint", (c) => c.notNull())
          .addColumn("last_seen_at", "bigint", (c) => c.notNull())
          .addPrimaryKeyConstraint("devices_pk", ["tenant_id", "id"])
          .execute();
        await db.schema.alterTable("sessions").addColumn("sharer_target", "text").execute();
      },
    },
    "0006_session_version": {
      async up(db: Kysely<unknown>) {
        await db.schema.alterTable("sessions").addColumn("version", "integer", (c) => c.notNull().defaultTo(0)).execute();
        await db.schema.alterTable("sessions").addColumn("helper_away_since", "bigint").execute();
        await db.schema.alterTable("sessions").addColumn("sharer_away_since", "bigint").execute();
      },
    },
    "0007_chat_client_msg_id": {
      async up(db: Kysely<unknown>) {
        // A resend after a reconnect carries the same id: stored once.
        await db.schema.alterTable("chat_messages").addColumn("client_msg_id", "text").execute();
        await db.schema.createIndex("chat_messages_client_msg").on("chat_messages").columns(["session_id", "sender_id", "client_msg_id"]).unique().execute();
      },
    },
    "0008_idp_records_expiry": {
      async up(db: Kysely<unknown>) {
        // Expired rows are pruned on a timer: found by index, not by reading the table.
        await db.schema.createIndex("idp_records_expires").on("idp_records").column("expires_at").execute();
      },
    },
    "0009_sessions_by_person": {
      async up(db: Kysely<unknown>) {
        // The Audit page names the people on a page of events: found by index, not by reading every session.
        await db.schema.createIndex("sessions_tenant_helper").on("sessions").columns(["tenant_id", "helper_id"]).execute();
        await db.schema.createIndex("sessions_tenant_sharer").on("sessions").columns(["tenant_id", "sharer_id"]).execute();
      },
    },
    "0010_session_target_device": {
      async up(db: Kysely<unknown>) {
        // Help on a device: the session records which device it is for, so the broker tells the helper when another joins.
        await db.schema.alterTable("sessions").addColumn("target_device_id", "text").execute();
        await db.schema.alterTable("sessions").addColumn("target_device_name", "text").execute();
      },
    },
    "0011_session_tools": {
      async up(db: Kysely<unknown>) {
        // Drawing, clipboard and files: what the helper's role and the tenant allow, and what the sharer turned off.
        await db.schema.alterTable("sessions").addColumn("tools", "text", (c) => c.notNull().defaultTo("")).execute();
        await db.schema.alterTable("sessions").addColumn("tools_off", "text", (c) => c.notNull().defaultTo("")).execute();
      },
    },
  };
}

export async function migrateToLatest(db: Kysely<unknown>, engine: Engine): Promise<void> {
  const provider: MigrationProvider = { getMigrations: async () => migrationsFor(engine) };
  const { error, results } = await new Migrator({ db, provider }).migrateToLatest();
  const failed = results?.find((r) => r.status === "Error");
  if (error || failed) {
    throw new Error(`migration ${failed?.migrationName ?? ""} failed: ${String(error)}`, { cause: error });
  }
}
