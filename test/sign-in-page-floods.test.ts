import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { loginFormAction } from "../tools/http-session.js";
import { ManualClock } from "./support/manual-clock.js";
import { describeNeeding } from "./support/needs.js";
import { createPasswordChecker, HashingBusy } from "../src/server/identity/password-hashing.js";
import { hashPassword } from "../src/server/identity/directory.js";
import { type IdpHarness, startIdpHarness } from "./support/idp-harness.js";

const redisUrl = inject("redisUrl");

/** Sign-in posts that cannot succeed cost no password hash, and hashing has a bounded queue off the event loop. */
describe("the built-in sign-in page under a flood", () => {
  let h: IdpHarness;
  beforeAll(async () => {
    h = await startIdpHarness();
  });
  afterAll(() => h.close());

  it("refuses a post to a made-up interaction before hashing: 60 of them take less time than 60 hashes would", async () => {
    const browser = h.browser();
    const started = performance.now();
    const answers = await Promise.all(
      Array.from({ length: 60 }, (_, i) => browser.request("POST", `${h.origin}/idp/interaction/made-up-${i}`, { form: { username: "sam@northwind.test", password: "guess" } })),
    );
    const elapsed = performance.now() - started;
    expect(answers.map((a) => a.status)).toEqual(Array(60).fill(400));
    // scrypt costs ~34 ms here: 60 hashes are ≥ 2 s of CPU on the event loop or the pool.
    expect(elapsed).toBeLessThan(1500);
  });
});

describe("guessing on the built-in sign-in page", () => {
  let h: IdpHarness;
  beforeAll(async () => {
    h = await startIdpHarness();
  });
  afterAll(() => h.close());
  const attempt = (username: string, password: string, otp?: string) => h.desktopToken(username, password, otp).then(
    () => "signed in",
    (error: Error) => /HTTP (\d+)/.exec(error.message)?.[1] ?? error.message,
  );

  it("locks an account after five wrong passwords, says when to try again, refuses even the right one meanwhile, and audits the lock", async () => {
    const outcomes = [];
    for (let i = 0; i < 6; i++) outcomes.push(await attempt("sam@northwind.test", `wrong-${i}`));
    expect(outcomes).toEqual(Array(6).fill("401"));
    expect(await attempt("sam@northwind.test", "demo-sharer-1")).toBe("429");
    const audit = await h.broker.store.listAudit({ tenantId: "northwind.test" });
    expect(audit.filter((e) => e.action === "sign_in.locked")).toEqual([expect.objectContaining({ actorId: "nw-sharer-1", detail: expect.objectContaining({ kind: "account", failures: 6, lockedForSeconds: 1 }) })]);
  });

  it("refuses one-time codes after three wrong ones until a new code", async () => {
    const outcomes = [];
    for (const code of ["000000", "111111", "222222", "333333"]) outcomes.push(await attempt("ada@northwind.test", "demo-admin-1", code));
    expect(outcomes).toEqual(["401", "401", "401", "401"]);
    expect(await attempt("ada@northwind.test", "demo-admin-1", "444444")).toBe("429");
  });
});

describe("guessing many accounts from one address", () => {
  let h: IdpHarness;
  beforeAll(async () => {
    h = await startIdpHarness();
  });
  afterAll(() => h.close());

  it("locks the address after twenty failures, whoever it names next", async () => {
    const outcomes = [];
    for (let i = 0; i < 21; i++) outcomes.push(await h.desktopToken(`nobody-${i}@northwind.test`, "guess").then(() => "signed in", (e: Error) => /HTTP (\d+)/.exec(e.message)?.[1]));
    expect(outcomes).toEqual(Array(21).fill("401"));
    await expect(h.desktopToken("lea@northwind.test", "demo-sharer-2")).rejects.toThrow(/HTTP 429/);
  });
});

/** A login page opened in its own browser, as twenty tabs (or twenty scripts) would. */
async function openLoginPage(h: IdpHarness) {
  const browser = h.browser();
  const action = loginFormAction(await browser.follow(`${h.origin}/auth/login`));
  if (!action) throw new Error("no login page");
  return (username: string, password: string) => browser.request("POST", action, { form: { username, password, otp: "" } }).then((r) => r.status);
}

describe("twenty guesses at once", () => {
  let h: IdpHarness;
  beforeAll(async () => {
    // Time stands still: the lock the sixth guess starts cannot run out while the others arrive.
    h = await startIdpHarness({}, { clock: new ManualClock() });
  });
  afterAll(() => h.close());

  it("are counted before any password is checked: five free failures and the one that locks, the rest refused unhashed", async () => {
    const pages = [];
    for (let i = 0; i < 20; i++) pages.push(await openLoginPage(h));
    const statuses = await Promise.all(pages.map((submit, i) => submit("sam@northwind.test", `wrong-${i}`)));
    expect(statuses.filter((s) => s === 401)).toHaveLength(6);
    expect(statuses.filter((s) => s === 429)).toHaveLength(14);
  });
});

describeNeeding(redisUrl ? null : "Redis is not installed (apt-get install redis-server)")("guessing across two brokers", () => {
  let brokers: IdpHarness[];
  beforeAll(async () => {
    const shared = { redisUrl: redisUrl!, redisPrefix: `test-${Math.random().toString(36).slice(2, 10)}` };
    brokers = await Promise.all([startIdpHarness(shared), startIdpHarness(shared)]);
  });
  afterAll(() => Promise.all(brokers.map((b) => b.close())));

  it("counts failures on either broker together: three on each lock the account on both", async () => {
    const outcomes = [];
    for (let i = 0; i < 6; i++) outcomes.push(await (await openLoginPage(brokers[i % 2]!))("lea@northwind.test", `wrong-${i}`));
    expect(outcomes).toEqual(Array(6).fill(401));
    expect(await (await openLoginPage(brokers[0]!))("lea@northwind.test", "demo-sharer-2")).toBe(429);
    expect(await (await openLoginPage(brokers[1]!))("lea@northwind.test", "demo-sharer-2")).toBe(429);
  });
});

describe("password checks", () => {
  it("run a few at a time and refuse at once beyond the queue", async () => {
    const checker = createPasswordChecker({ maxRunning: 1, maxWaiting: 2 });
    const stored = hashPassword("right");
    const outcomes = await Promise.allSettled(Array.from({ length: 5 }, (_, i) => checker.verify(i === 0 ? "right" : "wrong", stored)));
    expect(outcomes.map((o) => (o.status === "fulfilled" ? o.value : o.reason instanceof HashingBusy ? "busy" : o.reason))).toEqual([true, false, false, "busy", "busy"]);
    expect(checker.queued).toBe(0);
  });
});
