import type { Store } from "../store/store.js";
import { type ChainReport, keyedChainHash, verifyChain } from "../store/audit-chain.js";
import { createCheckpointReader } from "./audit-checkpoints.js";
import type { AuditKeys } from "./audit-keys.js";

export interface AuditVerdict extends ChainReport {
  /** The newest signed checkpoint the end of the log was held against, if any. */
  checkpoint: { seq: number; at: number } | null;
  /** Checkpoint lines whose signature does not hold (someone wrote the file without the key). */
  forgedCheckpoints: number;
}

/** A tenant's audit log against its keyed chain and the newest signed checkpoint (the API's verify, and `npm run audit:verify`). */
export function createAuditVerifier(o: { store: Store; keys: AuditKeys; checkpointFile: string }) {
  const hash = keyedChainHash(o.keys.chainKey);
  const checkpoints = createCheckpointReader(o.checkpointFile, o.keys);
  return async (tenantId: string): Promise<AuditVerdict> => {
    const { latest, forged } = await checkpoints.read();
    const checkpoint = latest.get(tenantId) ?? null;
    const report = verifyChain(tenantId, await o.store.listAuditChain(tenantId), hash, await o.store.getAuditAnchor(tenantId), checkpoint);
    const ok = report.ok && forged === 0;
    return { ...report, ok, checkpoint: checkpoint && { seq: checkpoint.seq, at: checkpoint.at }, forgedCheckpoints: forged };
  };
}
export type AuditVerifier = ReturnType<typeof createAuditVerifier>;
