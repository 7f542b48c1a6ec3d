import { type Kysely, sql } from "kysely";
import { type ChainHash, GENESIS_HASH } from "./audit-chain.js";
import type { Database } from "./schema.js";
import type { NewAuditEvent } from "./store.js";
import { setNewest } from "../newest-entries.js";

/**
 * Appends audit rows to their tenant's hash chain as part of a write: the row is queued on the write's
 * transaction, and `flush` puts the transaction's queued rows on the chain just before it commits (group
 * commit calls it), so a change and its audit row commit or roll back together.
 */
export type InsertAudit = ((tx: Kysely<Database>, e: NewAuditEvent) => void) & {
  /** Write the rows queued on this transaction: one multi-row insert per tenant. */
  flush(tx: Kysely<Database>): Promise<void>;
  /** Forget the heads this process knows (all, or one tenant's): the next append reads the head from the database. */
  forget(tenantId?: string): void;
};

/** Tenants whose chain head is remembered at most; past it the least recently written go first. */
const KEPT_HEADS = 10_000;
/** A remembered head is trusted for this long, then read again (a row this recent is never pruned: retention keeps 30 days at least). */
const HEAD_KEPT_MS = 30_000;
/** Rows per INSERT statement (9 values each: well under SQLite's and PostgreSQL's limits on parameters). */
const ROWS_PER_INSERT = 500;
/** The first key of the audit chain's advisory locks (the second is the tenant's hash), so no other lock collides. */
const AUDIT_LOCK_SPACE = 0x61756474; // "audt"

type Head = { seq: number; hash: string };

/**
 * Why at the end of the transaction: the chain's next position is one per tenant, so whoever appends holds it
 * until commit. Appending last holds it for one insert rather than for the whole batch of writes.
 *
 * One process (SQLite): writes run one transaction at a time (group-commit.ts), so the head each flush makes is
 * remembered and the next need not read it back; a transaction that fails makes it forget them all.
 *
 * Several brokers (PostgreSQL, `lockAcrossBrokers`): racing for the next seq made a third to two thirds of each
 * broker's batches fail on the unique (tenant, seq) and be replayed a write at a time (bench/cluster). Instead the
 * flush takes a transaction-level advisory lock per tenant, in tenant order (so two brokers never wait on each
 * other in a circle), then reads the head (its own statement, so its snapshot is taken once the lock is held):
 * another broker's flush for the tenant waits until this transaction commits, instead of failing.
 */
export const auditAppender = (chainHash: ChainHash, o: { lockAcrossBrokers?: boolean } = {}): InsertAudit => {
  const heads = new Map<string, Head & { at: number }>();
  const queued = new WeakMap<Kysely<Database>, NewAuditEvent[]>();
  const remembered = (tenantId: string) => {
    const head = heads.get(tenantId);
    return head && Date.now() - head.at < HEAD_KEPT_MS ? head : undefined;
  };
  const remember = (tenantId: string, head: Head) => {
    setNewest(heads, tenantId, { ...head, at: Date.now() }, KEPT_HEADS);
  };
  const readHead = (tx: Kysely<Database>, tenantId: string) =>
    tx.selectFrom("audit_events").select(["seq", "hash"]).where("tenant_id", "=", tenantId).orderBy("seq", "desc").limit(1).executeTakeFirst();

  const appendTenant = async (tx: Kysely<Database>, tenantId: string, events: NewAuditEvent[]) => {
    if (o.lockAcrossBrokers) await sql`select pg_advisory_xact_lock(${AUDIT_LOCK_SPACE}, hashtext(${tenantId}))`.execute(tx);
    const stored = (!o.lockAcrossBrokers && remembered(tenantId)) || (await readHead(tx, tenantId));
    let head: Head = stored ? { seq: Number(stored.seq), hash: stored.hash } : { seq: 0, hash: GENESIS_HASH };
    const rows = events.map((e) => {
      const seq = head.seq + 1;
      const detailJson = JSON.stringify(e.detail);
      const hash = chainHash(head.hash, { tenantId, seq, sessionId: e.sessionId, actorId: e.actorId, action: e.action, detailJson, at: e.at });
      const row = { tenant_id: tenantId, session_id: e.sessionId, actor_id: e.actorId, action: e.action, detail: detailJson, at: e.at, seq, prev_hash: head.hash, hash };
      head = { seq, hash };
      return row;
    });
    for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) await tx.insertInto("audit_events").values(rows.slice(i, i + ROWS_PER_INSERT)).execute();
    if (!o.lockAcrossBrokers) remember(tenantId, head);
  };

  const insert = (tx: Kysely<Database>, e: NewAuditEvent) => {
    const rows = queued.get(tx);
    if (rows) rows.push(e);
    else queued.set(tx, [e]);
  };
  const flush = async (tx: Kysely<Database>) => {
    const rows = queued.get(tx);
    if (!rows) return;
    queued.delete(tx);
    const byTenant = new Map<string, NewAuditEvent[]>();
    for (const e of rows) {
      const tenant = byTenant.get(e.tenantId);
      if (tenant) tenant.push(e);
      else byTenant.set(e.tenantId, [e]);
    }
    for (const tenantId of [...byTenant.keys()].sort()) await appendTenant(tx, tenantId, byTenant.get(tenantId)!);
  };
  const forget = (tenantId?: string) => void (tenantId === undefined ? heads.clear() : heads.delete(tenantId));
  return Object.assign(insert, { flush, forget });
};
