import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "./support/broker-harness.js";
import { ManualClock } from "./support/manual-clock.js";
import { refusal } from "./support/session-steps.js";


describe("codes: single use, ten minutes, no guessing", () => {
  let h: Harness;
  const clock = new ManualClock();
  beforeAll(async () => {
    h = await startHarness({ codeFailuresPerUser: 5, codeFailuresPerAddress: 12, codeFailureWindowMs: 60_000 }, { clock });
  });
  afterAll(() => h.close());

  it("expires after ten minutes: the helper is told, the sharer gets code_expired", async () => {
    const helper = await h.signIn("helper-e1");
    const sharer = await h.signIn("sharer-e1");
    const created = await helper.request({ type: "session.create" }, "session.created");
    expect(created.expiresAt).toBe(clock.now() + 10 * 60_000);

    clock.advance(10 * 60_000 - 1);
    expect(helper.pending().some((m) => m.type === "session.state")).toBe(false);
    clock.advance(1);
    expect(await helper.next("session.state")).toMatchObject({ session: { status: "ended", endReason: "code_expired" } });
    expect(await refusal(sharer.request({ type: "session.join", code: created.code }, "session.joined"))).toBe("code_expired");
  });

  it("is accepted as people type it, once; the second redemption gets code_used", async () => {
    const helper = await h.signIn("helper-e2");
    const created = await helper.request({ type: "session.create" }, "session.created");
    const typed = created.code.toUpperCase().replace(/0/g, "O").replace(/1/g, "I").replace(/^(.{4})/, "$1-");
    const sharer = await h.signIn("sharer-e2");
    const joined = await sharer.request({ type: "session.join", code: typed }, "session.joined");
    expect(joined.session.sessionId).toBe(created.session.sessionId);

    const late = await h.signIn("sharer-e2b");
    expect(await refusal(late.request({ type: "session.join", code: created.code }, "session.joined"))).toBe("code_used");
  });

  it("wrong codes get code_invalid and then rate_limited with a retry time, per user", async () => {
    const guesser = await h.signIn("sharer-guesser");
    for (let i = 0; i < 5; i++) {
      expect(await refusal(guesser.request({ type: "session.join", code: `zzzz${i}zzz` }, "session.joined"))).toBe("code_invalid");
    }
    const limited = await guesser.request({ type: "session.join", code: "zzzzzzzz" }, "session.joined").catch((x) => x);
    expect(limited.code).toBe("rate_limited");
    expect(limited.reply.retryAfterMs).toBeGreaterThan(0);
    expect(limited.reply.retryAfterMs).toBeLessThanOrEqual(60_000);

    // Even the right code waits: the limit applies before the code is looked at.
    const helper = await h.signIn("helper-e3");
    const created = await helper.request({ type: "session.create" }, "session.created");
    expect(await refusal(guesser.request({ type: "session.join", code: created.code }, "session.joined"))).toBe("rate_limited");
    clock.advance(60_000);
    const joined = await guesser.request({ type: "session.join", code: created.code }, "session.joined");
    expect(joined.peer?.userId).toBe("helper-e3");

    const rejected = await h.broker.store.listAudit({ tenantId: "northwind.test" });
    expect(rejected.filter((e) => e.action === "session.code_rejected" && e.actorId === "sharer-guesser")).toHaveLength(5);
  });

  it("limits guesses per address across users", async () => {
    clock.advance(60_000);
    const limited: string[] = [];
    for (let i = 0; i < 4; i++) {
      const user = await h.signIn(`sharer-addr-${i}`);
      for (let j = 0; j < 4; j++) {
        limited.push(await refusal(user.request({ type: "session.join", code: "yyyyyyyy" }, "session.joined")));
      }
    }
    // 12 failures from 127.0.0.1 are allowed; the 4 after them are refused though no single user hit its own limit.
    expect(limited.filter((c) => c === "code_invalid")).toHaveLength(12);
    expect(limited.slice(12)).toEqual(["rate_limited", "rate_limited", "rate_limited", "rate_limited"]);
  });
});
