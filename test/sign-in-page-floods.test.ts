import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPasswordChecker, HashingBusy } from "../src/server/identity/password-hashing.js";
import { hashPassword } from "../src/server/identity/directory.js";
import { type IdpHarness, startIdpHarness } from "./support/idp-harness.js";

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

describe("password checks", () => {
  it("run a few at a time and refuse at once beyond the queue", async () => {
    const checker = createPasswordChecker({ maxRunning: 1, maxWaiting: 2 });
    const stored = hashPassword("right");
    const outcomes = await Promise.allSettled(Array.from({ length: 5 }, (_, i) => checker.verify(i === 0 ? "right" : "wrong", stored)));
    expect(outcomes.map((o) => (o.status === "fulfilled" ? o.value : o.reason instanceof HashingBusy ? "busy" : o.reason))).toEqual([true, false, false, "busy", "busy"]);
    expect(checker.queued).toBe(0);
  });
});
