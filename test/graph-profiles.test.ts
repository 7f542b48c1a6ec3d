import fs from "node:fs";
import https from "node:https";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGraphProfiles } from "../src/server/identity/graph-profiles.js";
import { createTokenVerifier, identityFromClaims } from "../src/server/identity/token-verifier.js";
import { startTestIssuer } from "../tools/token-issuer.js";
import { loadOrCreateLocalTls } from "../src/server/tls/local-ca.js";
import { ManualClock } from "./support/manual-clock.js";

/**
 * Trust profiles for Entra users from Microsoft Graph, against a local HTTPS
 * server answering with Graph's documented shapes: the user, their photo,
 * the organisation's verified domains, a missing user, a photo-less one, and
 * throttling with Retry-After. Nothing reaches the internet.
 */
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0xff, 0xd9]);
const USERS: Record<string, object> = {
  "oid-ana": { displayName: "Ana Ruiz", jobTitle: "Service desk lead", companyName: "Contoso Ltd", mail: "ana@contoso.com" },
  "oid-ben": { displayName: "Ben Okoye", jobTitle: null, companyName: null, mail: "ben@contoso-partner.net" },
};

describe("trust profiles from Microsoft Graph", () => {
  let server: https.Server;
  let ca: string;
  let base: string;
  const seen: string[] = [];
  const throttled = new Set<string>();

  beforeAll(async () => {
    const tls = await loadOrCreateLocalTls(fs.mkdtempSync(path.join(os.tmpdir(), "tandem-graph-")));
    ca = tls.caCert!;
    server = https.createServer({ cert: tls.cert, key: tls.key }, (req, res) => {
      const url = new URL(req.url!, "https://graph.test");
      seen.push(`${req.method} ${url.pathname}`);
      const json = (status: number, body: unknown, headers: Record<string, string> = {}) => res.writeHead(status, { "content-type": "application/json", ...headers }).end(JSON.stringify(body));
      const tenant = url.pathname.split("/")[1]!;
      if (req.method === "POST" && url.pathname.endsWith("/oauth2/v2.0/token")) {
        let body = "";
        req.on("data", (c: Buffer) => (body += c));
        req.on("end", () => {
          const form = new URLSearchParams(body);
          const ok = form.get("grant_type") === "client_credentials" && form.get("client_id") === "tandem-app" && form.get("client_secret") === "s3cret" && form.get("scope") === `${base.replace(/\/[^/]+\/v1\.0$/, "")}/.default`;
          if (ok) json(200, { token_type: "Bearer", expires_in: 3599, access_token: `app-token-${tenant}` });
          else json(401, { error: "invalid_client" });
        });
        return;
      }
      if (req.headers.authorization !== `Bearer app-token-${tenant}`) return json(401, { error: { code: "InvalidAuthenticationToken" } });
      if (throttled.has(tenant)) return json(429, { error: { code: "TooManyRequests" } }, { "retry-after": "120" });
      const rest = url.pathname.split("/v1.0")[1]!;
      if (rest === "/organization") return json(200, { value: [{ displayName: "Contoso", verifiedDomains: [{ name: "contoso.com", isDefault: true }, { name: "contoso.onmicrosoft.com" }] }] });
      const photo = /^\/users\/([^/]+)\/photos\/48x48\/\$value$/.exec(rest);
      if (photo) return photo[1] === "oid-ana" ? res.writeHead(200, { "content-type": "image/jpeg" }).end(JPEG) : json(404, { error: { code: "ImageNotFound", message: "The photo wasn't found." } });
      const group = /^\/groups\/([^/]+)$/.exec(rest);
      if (group) return group[1] === "11111111-1111-4111-8111-111111111111" ? json(200, { displayName: "Help desk (Lisbon)" }) : json(404, { error: { code: "Request_ResourceNotFound" } });
      const user = /^\/users\/([^/]+)$/.exec(rest);
      if (user && USERS[user[1]!]) return json(200, USERS[user[1]!]);
      return json(404, { error: { code: "Request_ResourceNotFound" } });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `https://localhost:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => server.close());

  const setUp = () => {
    const clock = new ManualClock(1_800_000_000_000);
    const graph = createGraphProfiles({ graphUrl: `${base}/graph/v1.0`, tokenUrl: (tenant) => `${base}/${tenant}/oauth2/v2.0/token`, clientId: "tandem-app", clientSecret: "s3cret", ca, clock, ttlMs: 60_000 });
    return { clock, graph };
  };
  // Graph's paths are under /<tenant>/... here so the stand-in can tell tenants apart.
  const claimsOf = (oid: string, tid = "graph", extra: Record<string, unknown> = {}) => ({ sub: `pairwise-${oid}`, oid, tid, name: "From the token", exp: 2_000_000_000, verified_domain: "forged.example", ...extra });
  const enriched = (graph: ReturnType<typeof setUp>["graph"], claims: ReturnType<typeof claimsOf>) => graph(identityFromClaims(claims), claims);

  it("fills title, company, photo, verified domain and organisation from Graph", async () => {
    const { graph } = setUp();
    const ana = await enriched(graph, claimsOf("oid-ana"));
    expect(ana.name).toBe("Ana Ruiz");
    expect(ana.profile).toEqual({ userId: "pairwise-oid-ana", name: "Ana Ruiz", jobTitle: "Service desk lead", company: "Contoso Ltd", photoUrl: `data:image/jpeg;base64,${JPEG.toString("base64")}`, verifiedDomain: "contoso.com", tenantName: "Contoso" });
  });

  it("shows a photo-less user without a photo, and a domain the organisation has not verified as not verified", async () => {
    const { graph } = setUp();
    const ben = await enriched(graph, claimsOf("oid-ben"));
    expect(ben.profile).toMatchObject({ name: "Ben Okoye", jobTitle: "", company: "", photoUrl: null, verifiedDomain: null, tenantName: "Contoso" });
  });

  it("keeps a profile until it expires, then asks again", async () => {
    const { graph, clock } = setUp();
    await enriched(graph, claimsOf("oid-ana"));
    const calls = graph.calls();
    expect((await enriched(graph, claimsOf("oid-ana"))).profile.jobTitle).toBe("Service desk lead");
    expect(graph.calls()).toBe(calls);
    clock.advance(61_000);
    await enriched(graph, claimsOf("oid-ana"));
    expect(graph.calls()).toBeGreaterThan(calls);
  });

  it("falls back to the token's claims, never trusting a domain the token states, for a user Graph does not know or a token without an object id", async () => {
    const { graph } = setUp();
    const ghost = await enriched(graph, claimsOf("oid-nobody"));
    expect(ghost.profile).toMatchObject({ name: "From the token", verifiedDomain: null });
    const { oid: _oid, ...withoutOid } = claimsOf("oid-ana");
    const bare = await graph(identityFromClaims(withoutOid), withoutOid);
    expect(bare.profile).toMatchObject({ name: "From the token", verifiedDomain: null });
  });

  it("when throttled, uses the claims and does not ask Graph again before Retry-After", async () => {
    const { graph, clock } = setUp();
    throttled.add("graph");
    try {
      expect((await enriched(graph, claimsOf("oid-ana"))).profile).toMatchObject({ name: "From the token", verifiedDomain: null });
      const calls = graph.calls();
      clock.advance(60_000);
      await enriched(graph, claimsOf("oid-ben"));
      expect(graph.calls()).toBe(calls); // still inside the 120 s Graph asked for
      throttled.delete("graph");
      clock.advance(61_000);
      expect((await enriched(graph, claimsOf("oid-ana"))).profile.verifiedDomain).toBe("contoso.com");
    } finally {
      throttled.delete("graph");
    }
  });

  it("falls back when its own credentials are refused", async () => {
    const clock = new ManualClock(1_800_000_000_000);
    const graph = createGraphProfiles({ graphUrl: `${base}/graph/v1.0`, tokenUrl: (tenant) => `${base}/${tenant}/oauth2/v2.0/token`, clientId: "tandem-app", clientSecret: "wrong", ca, clock });
    expect((await enriched(graph, claimsOf("oid-ana"))).profile).toMatchObject({ name: "From the token", verifiedDomain: null });
  });

  it("completes the identity of a verified token, as the broker's verifier does for Entra sign-in", async () => {
    const issuer = await startTestIssuer();
    try {
      const { graph } = setUp();
      const verifier = createTokenVerifier({ issuer: issuer.issuer, audience: issuer.audience, keys: { jwksUrl: issuer.jwksUrl }, enrich: graph });
      const token = await issuer.mint({ sub: "pairwise-ana", name: "ana (token)", tid: "graph" }, { extraClaims: { oid: "oid-ana" } });
      expect((await verifier.verify(token)).profile).toMatchObject({ userId: "pairwise-ana", name: "Ana Ruiz", company: "Contoso Ltd", verifiedDomain: "contoso.com" });
      // A forged token is refused before Graph is asked anything.
      const calls = graph.calls();
      await expect(verifier.verify(await issuer.mint({ sub: "x", tid: "graph" }, { foreignKey: true, extraClaims: { oid: "oid-ben" } }))).rejects.toThrow("the token's signature is not valid");
      expect(graph.calls()).toBe(calls);
    } finally {
      await issuer.close();
    }
  });

  it("names Entra group ids (unknown ones and non-ids left out), and keeps the names", async () => {
    const { graph } = setUp();
    expect(await graph.groupNames("graph", ["11111111-1111-4111-8111-111111111111", "22222222-2222-4222-8222-222222222222", "help-desk"])).toEqual({ "11111111-1111-4111-8111-111111111111": "Help desk (Lisbon)" });
    const calls = graph.calls();
    expect(await graph.groupNames("graph", ["11111111-1111-4111-8111-111111111111", "22222222-2222-4222-8222-222222222222"])).toEqual({ "11111111-1111-4111-8111-111111111111": "Help desk (Lisbon)" });
    expect(graph.calls()).toBe(calls);
    expect(seen.filter((r) => r.includes("help-desk"))).toEqual([]); // a name that is not an id never reaches Graph
  });
});
