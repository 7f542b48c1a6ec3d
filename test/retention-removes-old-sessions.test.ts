import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "./support/broker-harness.js";
import { ManualClock } from "./support/manual-clock.js";
import { createAndJoin } from "./support/session-steps.js";

const DAY = 86_400_000;

describe("retention: a tenant's data is kept for its retention period, then removed", () => {
  let h: Harness;
  const clock = new ManualClock();
  beforeAll(async () => {
    h = await startHarness({ defaultTenantSettings: { allowUnenrolledDevices: true, auditRetentionDays: 30 } }, { clock });
  });
  afterAll(() => h.close());

  it("removes sessions ended before the cutoff, keeps the rest, and the audit chain still verifies", async () => {
    const first = await createAndJoin(h, "helper-r1", "sharer-r1");
    await first.sharer.request({ type: "chat.send", sessionId: first.sessionId, clientMsgId: "1", text: "old news" }, "chat.ack");
    first.helper.send({ type: "session.end", sessionId: first.sessionId });
    await first.sharer.next((m) => m.type === "session.state" && m.session.status === "ended");

    clock.advance(29 * DAY);
    expect(await h.broker.retention.runOnce()).toEqual([{ tenantId: "northwind.test", sessions: 0, auditRows: 0 }]);

    clock.advance(2 * DAY);
    const second = await createAndJoin(h, "helper-r2", "sharer-r2");
    const [result] = await h.broker.retention.runOnce();
    expect(result).toMatchObject({ tenantId: "northwind.test", sessions: 1 });
    expect(result!.auditRows).toBeGreaterThan(0);

    expect(await h.broker.store.getSession(first.sessionId)).toBeUndefined();
    expect(await h.broker.store.listChat(first.sessionId, 0, 10)).toEqual([]);
    expect(await h.broker.store.getSession(second.sessionId)).toMatchObject({ status: "joined" });
    const reports = await h.broker.store.listSessions({ tenantId: "northwind.test", limit: 100 });
    expect(reports.map((s) => s.id)).toEqual([second.sessionId]);

    expect(await h.broker.verifyAudit("northwind.test")).toMatchObject({ ok: true });
    const audit = await h.broker.store.listAudit({ tenantId: "northwind.test" });
    expect(audit.find((e) => e.action === "retention.pruned")).toMatchObject({ detail: { sessions: 1 } });
  });
});
