import type { Kysely, Selectable } from "kysely";
import type { DevicePublicKey } from "../../protocol/index.js";
import type { InsertAudit } from "./audit-append.js";
import type { GroupCommit } from "./group-commit.js";
import type { Database, DevicesTable } from "./schema.js";
import type { DeviceRecord, DeviceStore } from "./store.js";

/** Registered devices per tenant, each registration audited with it. */
export function createDeviceStore(db: Kysely<Database>, writes: GroupCommit<Database>, insertAudit: InsertAudit): DeviceStore {
  const toDevice = (r: Selectable<DevicesTable>): DeviceRecord => ({
    tenantId: r.tenant_id,
    id: r.id,
    name: r.name,
    platform: r.platform as DeviceRecord["platform"],
    osVersion: r.os_version,
    appVersion: r.app_version,
    ownerId: r.owner_id,
    groups: JSON.parse(r.groups) as string[],
    publicKey: JSON.parse(r.public_key) as DevicePublicKey,
    enrolled: Boolean(r.enrolled),
    registeredAt: Number(r.registered_at),
    lastSeenAt: Number(r.last_seen_at),
  });
  return {
    register: (d, audit) =>
      writes.run(async (tx) => {
        const values = {
          name: d.name,
          platform: d.platform,
          os_version: d.osVersion,
          app_version: d.appVersion,
          owner_id: d.ownerId,
          groups: JSON.stringify(d.groups),
          public_key: JSON.stringify(d.publicKey),
          enrolled: d.enrolled ? 1 : 0,
          last_seen_at: d.lastSeenAt,
        };
        await tx
          .insertInto("devices")
          .values({ tenant_id: d.tenantId, id: d.id, registered_at: d.registeredAt, ...values })
          .onConflict((oc) => oc.columns(["tenant_id", "id"]).doUpdateSet(values))
          .execute();
        insertAudit(tx, audit);
      }),
    async get(tenantId, id) {
      const row = await db.selectFrom("devices").selectAll().where("tenant_id", "=", tenantId).where("id", "=", id).executeTakeFirst();
      return row && toDevice(row);
    },
    async list(tenantId) {
      return (await db.selectFrom("devices").selectAll().where("tenant_id", "=", tenantId).orderBy("name").execute()).map(toDevice);
    },
    checkIn: (tenantId, id, at, facts) =>
      writes.run(async (tx) => {
        await tx
          .updateTable("devices")
          .set({ last_seen_at: at, ...(facts ? { os_version: facts.osVersion, app_version: facts.appVersion } : {}) })
          .where("tenant_id", "=", tenantId)
          .where("id", "=", id)
          .execute();
      }),
  };
}
