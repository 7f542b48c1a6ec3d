import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configFromEnv } from "../src/server/config.js";
import { clientAddress, parseTrustedProxies } from "../src/server/http/client-address.js";
import { BrokerClient } from "../tools/broker-client.js";
import { type Harness, startHarness } from "./support/broker-harness.js";
import { refusal } from "./support/session-steps.js";

describe("a broker behind a load balancer that terminates TLS", () => {
  let h: Harness;
  beforeAll(async () => {
    // Two proxies: a load balancer (10.0.0.1) and the local one the broker's socket sees.
    h = await startHarness({ tls: "off", trustedProxies: "127.0.0.1,10.0.0.0/8", codeFailuresPerAddress: 2, codeFailuresPerUser: 50 });
  });
  afterAll(() => h.close());

  const from = async (sub: string, address: string, forged?: string) =>
    BrokerClient.signIn(h.wsUrl, await h.issuer.mint({ sub }), { headers: { "x-forwarded-for": `${forged ? `${forged}, ` : ""}${address}, 10.0.0.1` } });

  it("serves plain ws and links on http, with no local CA to hand out", async () => {
    expect(h.wsUrl).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/ws$/);
    const helper = await from("helper-p1", "198.51.100.1");
    const created = await helper.request({ type: "session.create" }, "session.created");
    expect(created.link).toMatch(/^http:\/\/localhost:\d+\/s\?code=/);
    expect((await fetch(`${h.httpsOrigin}/ca.crt`)).status).toBe(404);
    helper.kill();
  });

  it("limits code guesses by the client address the proxy forwards, not the proxy's own", async () => {
    const [a, b, c] = [await from("guess-a", "203.0.113.7"), await from("guess-b", "203.0.113.7"), await from("guess-c", "203.0.113.99")];
    expect(await refusal(a.request({ type: "session.join", code: "wwwwwwww" }, "session.joined"))).toBe("code_invalid");
    expect(await refusal(b.request({ type: "session.join", code: "wwwwwwww" }, "session.joined"))).toBe("code_invalid");
    expect(await refusal(b.request({ type: "session.join", code: "wwwwwwww" }, "session.joined"))).toBe("rate_limited");
    expect(await refusal(c.request({ type: "session.join", code: "wwwwwwww" }, "session.joined"))).toBe("code_invalid");
    const audit = await h.broker.store.listAudit({ tenantId: "northwind.test" });
    expect(audit.filter((e) => e.action === "session.code_rejected").map((e) => e.detail.address)).toEqual(["203.0.113.7", "203.0.113.7", "203.0.113.99"]);
  });

  it("takes the right-most address that is not a trusted proxy: a forged leftmost entry neither raises the limit nor reaches the audit log", async () => {
    const guessers = [await from("forge-a", "203.0.113.50", "192.0.2.1"), await from("forge-b", "203.0.113.50", "127.0.0.1"), await from("forge-c", "203.0.113.50", "10.0.0.9")];
    expect(await refusal(guessers[0]!.request({ type: "session.join", code: "xxxxxxxx" }, "session.joined"))).toBe("code_invalid");
    expect(await refusal(guessers[1]!.request({ type: "session.join", code: "xxxxxxxx" }, "session.joined"))).toBe("code_invalid");
    expect(await refusal(guessers[2]!.request({ type: "session.join", code: "xxxxxxxx" }, "session.joined"))).toBe("rate_limited");
    const audit = await h.broker.store.listAudit({ tenantId: "northwind.test" });
    const addresses = audit.filter((e) => e.action === "session.code_rejected" && ["forge-a", "forge-b"].includes(e.actorId ?? "")).map((e) => e.detail.address);
    expect(addresses).toEqual(["203.0.113.50", "203.0.113.50"]);
  });
});

describe("proxy trust is named, and settings parse strictly", () => {
  it("reads TANDEM_TRUST_PROXY as exactly true/false/1/0 and refuses anything else, naming the variable", () => {
    for (const [text, on] of [["false", false], ["0", false], ["true", true], ["1", true]] as const) expect(configFromEnv({ TANDEM_TRUST_PROXY: text }).trustProxy).toBe(on);
    for (const text of ["off", "no", "yes", "FALSE", "2"]) expect(() => configFromEnv({ TANDEM_TRUST_PROXY: text })).toThrow(/^invalid setting TANDEM_TRUST_PROXY: must be true, false, 1 or 0/);
  });

  it("refuses a trusted-proxy list that is not addresses, CIDR ranges or a hop count", () => {
    for (const text of ["10.0.0.0/33", "proxy.example.com", "10.0.0.0/8,", "0", "1.2.3.4/8/1"]) expect(() => configFromEnv({ TANDEM_TRUSTED_PROXIES: text })).toThrow(/^invalid setting TANDEM_TRUSTED_PROXIES/);
  });

  it("walks X-Forwarded-For from the right through trusted hops only", () => {
    const ranges = parseTrustedProxies("10.0.0.0/8, 127.0.0.1, fd00::/8");
    expect(clientAddress("127.0.0.1", "6.6.6.6, 203.0.113.5, 10.1.2.3", ranges)).toBe("203.0.113.5");
    expect(clientAddress("::ffff:127.0.0.1", "203.0.113.5", ranges)).toBe("203.0.113.5");
    expect(clientAddress("198.51.100.9", "6.6.6.6", ranges)).toBe("198.51.100.9"); // not from a proxy: the header is the client's own
    expect(clientAddress("127.0.0.1", "10.0.0.2, 10.0.0.3", ranges)).toBe("10.0.0.2"); // every hop trusted: the farthest one
    expect(clientAddress("127.0.0.1", ["6.6.6.6", "203.0.113.5"], parseTrustedProxies("1"))).toBe("203.0.113.5");
    expect(clientAddress("127.0.0.1", "6.6.6.6, 203.0.113.5", parseTrustedProxies("2"))).toBe("6.6.6.6");
    expect(clientAddress("127.0.0.1", "6.6.6.6", null)).toBe("127.0.0.1");
  });
});
