import { base64url } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROTOCOL_VERSION } from "../src/protocol/index.js";
import { type Harness, startHarness } from "./support/broker-harness.js";

describe("every connection proves who it is with a verified bearer token", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ helloTimeoutMs: 1000 });
  });
  afterAll(() => h.close());

  async function helloWith(token: string | undefined, protocol = PROTOCOL_VERSION) {
    const client = await h.connect();
    client.send({ type: "hello", reqId: "h", protocol, ...(token === undefined ? {} : { token }) });
    const answer = await client.next((m) => m.type === "welcome" || m.type === "error");
    const closed = answer.type === "error" ? await client.closed : null;
    return { answer, closed };
  }

  it("accepts a token from the configured issuer and names the user from it", async () => {
    const { answer } = await helloWith(await h.issuer.mint({ sub: "u-ok", name: "Olga Okafor" }));
    expect(answer).toMatchObject({ type: "welcome", user: { userId: "u-ok", name: "Olga Okafor" }, protocol: PROTOCOL_VERSION });
  });

  it("accepts the token in the upgrade's Authorization header", async () => {
    const client = await h.connect({ authorization: `Bearer ${await h.issuer.mint({ sub: "u-header" })}` });
    client.send({ type: "hello", protocol: PROTOCOL_VERSION });
    expect(await client.next("welcome")).toMatchObject({ user: { userId: "u-header" } });
  });

  const forged = async () => h.issuer.mint({ sub: "u" }, { foreignKey: true });
  const wrongAudience = async () => h.issuer.mint({ sub: "u" }, { audience: "api://someone-else" });
  const wrongIssuer = async () => h.issuer.mint({ sub: "u" }, { issuer: "https://evil.example/" });
  const expired = async () => h.issuer.mint({ sub: "u" }, { expiresInSeconds: -120 });
  const algNone = async () => {
    const [, payload] = (await h.issuer.mint({ sub: "u" })).split(".");
    return `${base64url.encode(JSON.stringify({ alg: "none", typ: "JWT" }))}.${payload}.`;
  };
  const tampered = async () => {
    const [header, payload, signature] = (await h.issuer.mint({ sub: "u" })).split(".");
    const claims = JSON.parse(Buffer.from(payload!, "base64url").toString());
    return `${header}.${base64url.encode(JSON.stringify({ ...claims, sub: "admin" }))}.${signature}`;
  };

  it.each([
    ["a bad signature", forged, "signature"],
    ["a wrong audience", wrongAudience, "aud"],
    ["a wrong issuer", wrongIssuer, "iss"],
    ["an expired token", expired, "expired"],
    ["alg: none", algNone, "algorithm"],
    ["a tampered payload", tampered, "signature"],
    ["garbage", async () => "not.a.jwt", "not valid"],
  ])("refuses %s with unauthenticated and closes", async (_what, make, words) => {
    const { answer, closed } = await helloWith(await make());
    expect(answer).toMatchObject({ type: "error", code: "unauthenticated", reqId: "h" });
    expect(answer.type === "error" && answer.message).toContain(words);
    expect(closed?.code).toBe(4401);
  });

  it("refuses a hello without any token", async () => {
    const { answer } = await helloWith(undefined);
    expect(answer).toMatchObject({ code: "unauthenticated" });
  });

  it("refuses another protocol version with a clear error", async () => {
    const { answer, closed } = await helloWith(await h.issuer.mint({ sub: "u" }), PROTOCOL_VERSION + 1);
    expect(answer).toMatchObject({ code: "version_mismatch" });
    expect(answer.type === "error" && answer.message).toContain(`speaks protocol ${PROTOCOL_VERSION}`);
    expect(closed?.code).toBe(4400);
  });

  it("closes a connection that never says hello", async () => {
    const silent = await h.connect();
    silent.startHeartbeats(200); // talking, but never authenticating
    const closed = await silent.closed;
    expect(closed.code).toBe(1006); // terminated
  });

  it("answers anything before hello with unauthenticated", async () => {
    const client = await h.connect();
    client.send({ type: "session.create", reqId: "early" });
    expect(await client.next("error")).toMatchObject({ code: "unauthenticated", reqId: "early" });
  });
});
