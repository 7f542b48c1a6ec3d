import type { Adapter, AdapterPayload } from "oidc-provider";
import type { Clock } from "../../clock.js";
import type { IdpRecordStore } from "../../store/store.js";

/**
 * The provider's persistence on Tandem's own store, so sign-in sessions,
 * grants and refresh tokens survive a restart and are shared by brokers that
 * share a database. Expired records read as absent.
 */
export function storeAdapterFactory(records: IdpRecordStore, clock: Clock) {
  return class StoreAdapter implements Adapter {
    constructor(private readonly model: string) {}

    async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
      await records.upsert(this.model, id, payload as Record<string, unknown>, expiresIn ? clock.now() + expiresIn * 1000 : null);
    }

    async find(id: string): Promise<AdapterPayload | undefined> {
      return live(await records.find(this.model, id));
    }

    async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
      return live(await records.findBy(this.model, "userCode", userCode));
    }

    async findByUid(uid: string): Promise<AdapterPayload | undefined> {
      return live(await records.findBy(this.model, "uid", uid));
    }

    async consume(id: string): Promise<void> {
      const record = await records.find(this.model, id);
      if (record) await records.upsert(this.model, id, { ...record.payload, consumed: Math.floor(clock.now() / 1000) }, record.expiresAt);
    }

    async destroy(id: string): Promise<void> {
      await records.destroy(this.model, id);
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      await records.revokeByGrantId(grantId);
    }
  };

  function live(record: { payload: Record<string, unknown>; expiresAt: number | null } | undefined): AdapterPayload | undefined {
    if (!record || (record.expiresAt !== null && record.expiresAt <= clock.now())) return undefined;
    return record.payload as AdapterPayload;
  }
}
