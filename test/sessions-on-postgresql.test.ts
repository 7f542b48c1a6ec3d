import { testChainHash, testStoreOptions } from "./support/audit-keys.js";
import { afterAll, beforeAll, expect, inject, it } from "vitest";
import { verifyChain } from "../src/server/store/audit-chain.js";
import { type Harness, startHarness } from "./support/broker-harness.js";
import { createTestDatabase } from "./support/postgres-database.js";
import { createAndJoin, grant } from "./support/session-steps.js";
import { openPostgres } from "../src/server/store/engine.js";
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

describeNeeding(postgresUrl ? null : "PostgreSQL is not installed (apt-get install postgresql)")("two brokers writing one tenant's audit chain at once", () => {
  it("lose no row and keep the chain intact: a writer that lost the race for a position tries again", async () => {
    const url = await createTestDatabase(postgresUrl!, "chain");
    const [a, b] = [await createKyselyStore(openPostgres(url, 4), "postgres", testStoreOptions), await createKyselyStore(openPostgres(url, 4), "postgres", testStoreOptions)];
    try {
      // Each broker writes one row at a time (a batch of one), both at once: they race for the same next position.
      const failures: unknown[] = [];
      await Promise.all(
        [a, b].map(async (store, s) => {
          for (let i = 0; i < 40; i++) {
            await store.appendAudit({ tenantId: "northwind.test", sessionId: null, actorId: `broker-${s}`, action: `write.${i}`, detail: {}, at: Date.now() }).catch((e: unknown) => failures.push(e));
          }
        }),
      );
      expect(failures).toEqual([]);
      const chain = await a.listAuditChain("northwind.test");
      expect(chain).toHaveLength(80);
      expect(verifyChain("northwind.test", chain, testChainHash)).toMatchObject({ ok: true });
    } finally {
      await a.close();
      await b.close();
    }
  });
});
