import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BrokerClient } from "../tools/broker-client.js";
import { type Harness, startHarness } from "./support/broker-harness.js";
import { refusal } from "./support/session-steps.js";

describe("a broker behind a load balancer that terminates TLS", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ tls: "off", trustProxy: true, codeFailuresPerAddress: 2, codeFailuresPerUser: 50 });
  });
  afterAll(() => h.close());

  const from = async (sub: string, address: string) =>
    BrokerClient.signIn(h.wsUrl, await h.issuer.mint({ sub }), { headers: { "x-forwarded-for": `${address}, 10.0.0.1` } });

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
});
