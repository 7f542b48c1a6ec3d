import type { Generated } from "kysely";

/** Table shapes as Kysely sees them. Times are epoch milliseconds. */
export interface SessionsTable {
  id: string;
  tenant_id: string;
  code_hash: string;
  code_expires_at: number;
  status: string;
  level: string | null;
  requested_level: string | null;
  paused: number;
  end_reason: string | null;
  helper_id: string;
  helper_name: string;
  sharer_id: string | null;
  sharer_name: string | null;
  /** JSON of the verified profile (protocol Party) shown to the other party. */
  helper_profile: string;
  sharer_profile: string | null;
  /** JSON: the sharer's groups and device (with enrollment and compliance) at join, for policy checks. */
  sharer_target: string | null;
  target_device_id: string | null;
  target_device_name: string | null;
  /** The tools the helper's role and the tenant allowed when a level was asked, comma-separated. */
  tools: string;
  /** The tools the sharer turned off, comma-separated. */
  tools_off: string;
  version: Generated<number>;
  helper_away_since: number | null;
  sharer_away_since: number | null;
  helper_resume_hash: string;
  sharer_resume_hash: string | null;
  chat_seq: number;
  created_at: number;
  joined_at: number | null;
  ended_at: number | null;
}

export interface ChatMessagesTable {
  session_id: string;
  seq: number;
  sender_id: string;
  sender_role: string;
  sender_name: string;
  text: string;
  created_at: number;
  client_msg_id: string | null;
}

export interface AuditEventsTable {
  id: Generated<number>;
  tenant_id: string;
  session_id: string | null;
  actor_id: string | null;
  action: string;
  detail: string;
  at: number;
  /** Position in the tenant's hash chain, from 1. */
  seq: number;
  prev_hash: string;
  hash: string;
}

/** A tenant's configuration, one JSON document per (kind, id): settings, roles, assignments, policies, rules. */
export interface TenantDocumentsTable {
  tenant_id: string;
  kind: string;
  id: string;
  body: string;
  updated_at: number;
}

/** The embedded IdP's state (sessions, grants, codes, refresh tokens), one row per record. */
export interface IdpRecordsTable {
  model: string;
  id: string;
  payload: string;
  grant_id: string | null;
  user_code: string | null;
  uid: string | null;
  expires_at: number | null;
}

export interface DevicesTable {
  tenant_id: string;
  id: string;
  name: string;
  platform: string;
  os_version: string;
  app_version: string;
  owner_id: string;
  groups: string;
  public_key: string;
  enrolled: number;
  registered_at: number;
  last_seen_at: number;
}

export interface Database {
  devices: DevicesTable;
  tenant_documents: TenantDocumentsTable;
  idp_records: IdpRecordsTable;
  sessions: SessionsTable;
  chat_messages: ChatMessagesTable;
  audit_events: AuditEventsTable;
}
