import { testChainHash, testStoreOptions } from "./support/audit-keys.js";
import { afterAll, beforeAll, expect, inject, it } from "vitest";
import { verifyChain } from "../src/server/store/audit-chain.js";
import { type Harness, startHarness } from "./support/broker-harness.js";
import { createTestDatabase } from "./support/postgres-database.js";
import { createAndJoin, grant } from "./support/session-steps.js";
import { Kysely, PostgresDialect } from "kysely";
import pg from "pg";
import type { Database } from "../src/server/store/schema.js";
import { createKyselyStore } from "../src/server/store/kysely-store.js";
import { describeNeeding } from "./support/needs.js";

const postgresUrl = inject("postgresUrl");

describeNeeding(postgresUrl ? null : "PostgreSQL is not installed (apt-get install postgresql)")("a whole session with the broker on PostgreSQL (DATABASE_URL)", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ databaseUrl: await createTestDatabase(postgresUrl!, "broker") });
  });
  afterAll(() => h.close());

  it("creates, joins, consents, relays, chats and ends, with every step audited in an intact chain", async () => {
    const { helper, sharer, sessionId } = await createAndJoin(h, "pg-helper", "pg-sharer");
    await grant(helper, sharer, sessionId, "control");
    helper.send({ type: "signal.offer", sessionId, sdp: "v=0 pg" });
    expect(await sharer.next("signal.offer")).toMatchObject({ sdp: "v=0 pg" });
    const acks = await Promise.all(["一", "二", "三"].map((text, i) => sharer.request({ type: "chat.send", sessionId, clientMsgId: `c${i}`, text }, "chat.ack")));
    expect(acks.map((a) => a.seq).sort()).toEqual([1, 2, 3]);
    sharer.send({ type: "session.end", sessionId });
    expect(await helper.next((m) => m.type === "session.state" && m.session.status === "ended")).toMatchObject({ session: { endReason: "sharer_ended" } });

    const store = h.broker.store;
    expect((await store.listAudit({ tenantId: "northwind.test", sessionId })).map((e) => e.action)).toEqual([
      "session.created",
      "session.joined",
      "session.level_requested",
      "session.consent_given",
      "session.ended",
    ]);
    expect(await h.broker.verifyAudit("northwind.test")).toMatchObject({ ok: true });
  });
});

describeNeeding(postgresUrl ? null : "PostgreSQL is not installed (apt-get install postgresql)")("two brokers writing the same tenants' audit chains at once", () => {
  it("wait for each other at the chain instead of racing for its positions: no batch fails, no row is lost, every chain is intact", async () => {
    const url = await createTestDatabase(postgresUrl!, "chain");
    // Every statement PostgreSQL refused, by its code (a lost race is 23505, a deadlock 40P01).
    const refused: unknown[] = [];
    const broker = () => new Kysely<Database>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 4 }) }), log: (e) => void (e.level === "error" && refused.push((e.error as { code?: unknown }).code)) });
    const [a, b] = [await createKyselyStore(broker(), "postgres", testStoreOptions), await createKyselyStore(broker(), "postgres", testStoreOptions)];
    try {
      // Each broker queues rows for two tenants in the same turn (one batch, one transaction), in opposite tenant
      // orders, forty times, both at once: without a lock they race for each chain's next position, and batches
      // that lock the tenants in the order they come deadlock.
      const tenants = ["northwind.test", "contoso.test"];
      const failures: unknown[] = [];
      await Promise.all(
        [a, b].map(async (store, s) => {
          const order = s === 0 ? tenants : [...tenants].reverse();
          for (let i = 0; i < 40; i++) {
            const rows = order.flatMap((tenantId) => [0, 1].map((j) => ({ tenantId, sessionId: null, actorId: `broker-${s}`, action: `write.${i}.${j}`, detail: { i }, at: Date.now() })));
            await Promise.all(rows.map((row) => store.appendAudit(row).catch((e: unknown) => failures.push(e))));
          }
        }),
      );
      expect(failures).toEqual([]);
      for (const tenantId of tenants) {
        const chain = await a.listAuditChain(tenantId);
        expect(chain).toHaveLength(160);
        expect(chain.map((r) => r.seq)).toEqual(Array.from({ length: 160 }, (_, i) => i + 1));
        expect(verifyChain(tenantId, chain, testChainHash)).toMatchObject({ ok: true });
      }
      expect(refused).toEqual([]); // no statement lost a race (so no batch was rolled back and replayed)
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});
