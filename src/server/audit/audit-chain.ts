import { createHash } from "node:crypto";

/**
 * The audit log is a hash chain per tenant: each row carries the hash of the
 * row before it, so editing, deleting or reordering any row breaks every hash
 * after it. Pure functions, shared by the store (when appending) and the
 * verifier.
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

export function chainHash(prevHash: string, row: Omit<ChainedRow, "prevHash" | "hash">): string {
  const canonical = JSON.stringify([prevHash, row.tenantId, row.seq, row.sessionId, row.actorId, row.action, row.detailJson, row.at]);
  return createHash("sha256").update(canonical).digest("hex");
}

export interface ChainProblem {
  seq: number;
  problem: "edited" | "missing_before" | "out_of_order";
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

/** Walks one tenant's rows (in stored id order) from its start or anchor, and names every break. */
export function verifyChain(tenantId: string, rows: ChainedRow[], anchor: ChainAnchor | null = null): ChainReport {
  const problems: ChainProblem[] = [];
  let prevHash = anchor?.hash ?? GENESIS_HASH;
  let expectedSeq = (anchor?.seq ?? 0) + 1;
  for (const row of rows) {
    if (row.seq < expectedSeq) problems.push({ seq: row.seq, problem: "out_of_order" });
    else if (row.seq > expectedSeq || row.prevHash !== prevHash) problems.push({ seq: row.seq, problem: "missing_before" });
    if (chainHash(row.prevHash, row) !== row.hash) problems.push({ seq: row.seq, problem: "edited" });
    prevHash = row.hash;
    expectedSeq = row.seq + 1;
  }
  return { tenantId, rows: rows.length, ok: problems.length === 0, problems };
}
