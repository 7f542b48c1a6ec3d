import { keyedChainHash } from "../../src/server/store/audit-chain.js";
import { auditKeysFrom } from "../../src/server/audit/audit-keys.js";

/** A fixed audit key for stores tests open directly (a broker makes its own in its data folder). */
export const TEST_AUDIT_KEYS = auditKeysFrom(Buffer.alloc(32, 7));
export const testStoreOptions = { auditChainKey: TEST_AUDIT_KEYS.chainKey };
export const testChainHash = keyedChainHash(TEST_AUDIT_KEYS.chainKey);
