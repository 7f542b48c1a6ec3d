import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addressBucket } from "../src/server/limits/address-bucket.js";
import { api } from "./support/api.js";
import { type Harness, startHarness } from "./support/broker-harness.js";
import { type IdpHarness, startIdpHarness } from "./support/idp-harness.js";
import { ManualClock } from "./support/manual-clock.js";

/**
 * The HTTP limiter counts the person a credential verifiably names; a
 * made-up bearer token or cookie counts against its address. Sign-ins that
 * are started and never finished are capped per address and pruned.
 */
describe("the HTTP limiter and made-up credentials", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ httpRequestsPerMinute: 20 });
  });
  afterAll(() => h.close());

  it("counts every made-up bearer token against the address: the 21st is refused, a real caller is not", async () => {
    const statuses = [];
    for (let i = 0; i < 25; i++) statuses.push((await api(h.httpsOrigin, h.ca, `made-up-${i}`, "GET", "/api/me/permissions")).status);
    expect(statuses.slice(0, 20)).toEqual(Array(20).fill(401));
    expect(statuses.slice(20)).toEqual(Array(5).fill(429));
    // Somebody signed in, from the same address (a whole office behind one NAT): their own count.
    const real = await api(h.httpsOrigin, h.ca, await h.issuer.mint({ sub: "office-helper" }), "GET", "/api/me/permissions");
    expect(real.status).toBe(200);
  });

  it("counts one person once, however many tokens they hold", async () => {
    const statuses = [];
    for (let i = 0; i < 22; i++) statuses.push((await api(h.httpsOrigin, h.ca, await h.issuer.mint({ sub: "token-collector" }), "GET", "/api/me/permissions")).status);
    expect(statuses.slice(0, 20)).toEqual(Array(20).fill(200));
    expect(statuses.slice(20)).toEqual([429, 429]);
  });
});

describe("sign-ins started and never finished", () => {
  const clock = new ManualClock();
  let h: IdpHarness;
  beforeAll(async () => {
    h = await startIdpHarness({ signInStartsPerAddress: 5 }, { clock });
  });
  afterAll(() => h.close());

  it("are capped per address on the console and at the identity provider, told when to try again, and pruned once expired", async () => {
    const browser = h.browser();
    const starts = [];
    for (let i = 0; i < 7; i++) starts.push(await browser.request("GET", `${h.origin}/auth/login`));
    expect(starts.map((r) => r.status)).toEqual([302, 302, 302, 302, 302, 429, 429]);
    expect(starts[5]!.body).toBe("Too many sign-ins were started from your network. Try again in 10 minutes.");
    expect(Number(starts[5]!.headers["retry-after"])).toBe(600);

    // The identity provider's own start (each leaves an interaction) has the same cap.
    const authorize = new URL(starts[0]!.headers.location!);
    const interactions = [];
    for (let i = 0; i < 6; i++) interactions.push((await browser.request("GET", authorize.toString())).status);
    expect(interactions).toEqual([303, 303, 303, 303, 303, 429]);

    // Ten minutes on, every row those starts left has expired and goes; the network may start again.
    clock.advance(11 * 60_000);
    expect(await h.broker.pruning.runOnce()).toBeGreaterThanOrEqual(10);
    expect(await h.broker.pruning.runOnce()).toBe(0);
    expect((await browser.request("GET", `${h.origin}/auth/login`)).status).toBe(302);
  });
});

describe("addresses as the limits count them", () => {
  it("counts an IPv6 network (/64) as one address, and an IPv4-mapped address as its IPv4 address", () => {
    expect(addressBucket("2001:db8:1:2:aaaa::1")).toBe("2001:db8:1:2::/64");
    expect(addressBucket("2001:db8:1:2:ffff:ffff:ffff:ffff")).toBe("2001:db8:1:2::/64");
    expect(addressBucket("2001:db8::1")).toBe("2001:db8:0:0::/64");
    expect(addressBucket("::ffff:203.0.113.9")).toBe("203.0.113.9");
    expect(addressBucket("203.0.113.9")).toBe("203.0.113.9");
  });
});
