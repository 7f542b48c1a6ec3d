import { createHash, createHmac, createSecretKey } from "node:crypto";

/**
 * The audit log is a keyed hash chain per tenant: each row carries an HMAC
 * (with a key kept outside the database) over itself and the hash of the row
 * before it, so editing, deleting or reordering any row breaks every hash
 * after it, and someone who can write the database but not read the key
 * cannot recompute the chain after an edit. Deleting the newest rows leaves a
 * valid chain: signed checkpoints (audit-checkpoints.ts) catch that. Pure
 * functions, shared by the store (when appending) and the verifier.
 */
export interface ChainedRow {
  tenantId: string;
  seq: number;
  sessionId: string | null;
  actorId: string | null;
  action: string;
  /** The detail exactly as stored (JSON text), so verification hashes the stored bytes. */
  detailJson: string;
  at: number;
  prevHash: string;
  hash: string;
}

export const GENESIS_HASH = "0".repeat(64);

type RowFields = Omit<ChainedRow, "prevHash" | "hash">;
export type ChainHash = (prevHash: string, row: RowFields) => string;

const canonical = (prevHash: string, row: RowFields) => JSON.stringify([prevHash, row.tenantId, row.seq, row.sessionId, row.actorId, row.action, row.detailJson, row.at]);

/** The chain's hash, keyed. The key is a KeyObject made once: Node prepares a raw key anew on every HMAC (~15 µs, 6× the HMAC itself). */
export const keyedChainHash = (key: Buffer): ChainHash => {
  const secret = createSecretKey(key);
  return (prevHash, row) => createHmac("sha256", secret).update(canonical(prevHash, row)).digest("hex");
};

/** The unkeyed hash rows were chained with before the key (read only to upgrade such chains). */
export const legacyChainHash: ChainHash = (prevHash, row) => createHash("sha256").update(canonical(prevHash, row)).digest("hex");

export interface ChainProblem {
  seq: number;
  /** truncated: a signed checkpoint saw row `seq`, which is gone; rewritten: row `seq` differs from what the checkpoint saw. */
  problem: "edited" | "missing_before" | "out_of_order" | "truncated" | "rewritten";
}

export interface ChainReport {
  tenantId: string;
  rows: number;
  ok: boolean;
  problems: ChainProblem[];
}

/** Where a chain starts after retention removed its oldest rows: the last removed row's seq and hash. */
export interface ChainAnchor {
  seq: number;
  hash: string;
}

/** The newest head a signed checkpoint recorded for a tenant. */
export interface ChainCheckpoint {
  seq: number;
  hash: string;
  at: number;
}

/** Walks one tenant's rows (in stored id order) from its start or anchor, names every break, and holds the end against the last checkpoint. */
export function verifyChain(tenantId: string, rows: ChainedRow[], hash: ChainHash, anchor: ChainAnchor | null = null, checkpoint: ChainCheckpoint | null = null): ChainReport {
  const problems: ChainProblem[] = [];
  let prevHash = anchor?.hash ?? GENESIS_HASH;
  let expectedSeq = (anchor?.seq ?? 0) + 1;
  for (const row of rows) {
    if (row.seq < expectedSeq) problems.push({ seq: row.seq, problem: "out_of_order" });
    else if (row.seq > expectedSeq || row.prevHash !== prevHash) problems.push({ seq: row.seq, problem: "missing_before" });
    if (hash(row.prevHash, row) !== row.hash) problems.push({ seq: row.seq, problem: "edited" });
    prevHash = row.hash;
    expectedSeq = row.seq + 1;
  }
  // Rows retention removed are not missing; anything newer the checkpoint saw must still be there, unchanged.
  if (checkpoint && checkpoint.seq > (anchor?.seq ?? 0)) {
    const seen = rows.find((r) => r.seq === checkpoint.seq);
    if (!seen) problems.push({ seq: checkpoint.seq, problem: "truncated" });
    else if (seen.hash !== checkpoint.hash) problems.push({ seq: checkpoint.seq, problem: "rewritten" });
  }
  return { tenantId, rows: rows.length, ok: problems.length === 0, problems };
}
