import https from "node:https";
import type { JWTPayload } from "jose";
import { ENTRA_GROUP_ID } from "../../protocol/index.js";
import type { Clock } from "../clock.js";
import type { BrokerConfig } from "../config.js";
import type { Identity } from "./identity.js";
import { setNewest } from "../newest-entries.js";

/**
 * Entra ID tokens carry a name but no job title, company, photo or verified
 * domain. The trust screen needs them, so for an Entra user the broker asks
 * Microsoft Graph with its own app credentials (client credentials, scope
 * `.default`): the user (`displayName,jobTitle,companyName,mail`), their
 * 48×48 photo, and the organisation's verified domains. Answers are cached
 * with an expiry; when Graph fails (404, throttling, down) the token's own
 * claims are used and no domain is shown as verified.
 */
export interface GraphSettings {
  /** https://graph.microsoft.com/v1.0, or a national cloud's. */
  graphUrl: string;
  /** The token endpoint for a tenant id (login.microsoftonline.com/<tid>/oauth2/v2.0/token). */
  tokenUrl: (tenantId: string) => string;
  clientId: string;
  clientSecret: string;
  /** A private CA to trust (tests); the OS's CAs otherwise. */
  ca?: string;
  /** How long a profile is kept (default 15 minutes). */
  ttlMs?: number;
}

const PROFILE_TTL_MS = 15 * 60_000;
/** At most this many profiles are kept; the oldest go first. */
const MAX_CACHED = 20_000;
const PHOTO_MAX_BYTES = 64 * 1024;

interface GraphUser {
  displayName?: string | null;
  jobTitle?: string | null;
  companyName?: string | null;
  mail?: string | null;
}
interface Organisation {
  displayName: string;
  domains: string[];
}
type Profile = Identity["profile"];

export type ProfileEnricher = (identity: Identity, claims: JWTPayload) => Promise<Identity>;

/** Entra puts group object ids, not names, in the groups claim: an admin page shows Graph's name beside each. */
export type GroupNames = (tenantId: string, ids: readonly string[]) => Promise<Record<string, string>>;


/** Graph profiles when the broker signs people in with Entra ID and has app credentials (and they are not turned off). */
export function graphProfilesFor(config: BrokerConfig, clock: Clock, log: (problem: string) => void): (ProfileEnricher & { groupNames: GroupNames }) | undefined {
  const entra = Boolean(config.entraTenant || config.oidcAuthority);
  if (!entra || !config.graphProfiles || !config.oidcClientId || !config.oidcClientSecret) return undefined;
  const tokenUrl = (tenant: string) => config.graphTokenUrl.replace("{tenant}", encodeURIComponent(tenant));
  return createGraphProfiles({ graphUrl: config.graphUrl, tokenUrl, clientId: config.oidcClientId, clientSecret: config.oidcClientSecret, clock, log });
}

export function createGraphProfiles(o: GraphSettings & { clock: Clock; log?: (problem: string) => void }): ProfileEnricher & { groupNames: GroupNames; calls: () => number } {
  const ttl = o.ttlMs ?? PROFILE_TTL_MS;
  const profiles = new Map<string, { profile: Profile; until: number }>();
  const groups = new Map<string, { name: string | null; until: number }>();
  const organisations = new Map<string, { org: Organisation; until: number }>();
  const appTokens = new Map<string, { token: string; until: number }>();
  /** Throttled by Graph (429): no call for that tenant before this time. */
  const quietUntil = new Map<string, number>();
  let calls = 0;

  const request = (method: "GET" | "POST", url: string, headers: Record<string, string>, body?: string) =>
    new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }>((resolve, reject) => {
      calls++;
      const req = https.request(url, { method, headers, ca: o.ca, timeout: 5_000 }, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on("data", (chunk: Buffer) => {
          size += chunk.length;
          if (size > 1024 * 1024) return void req.destroy(new Error("Graph answer too large"));
          chunks.push(chunk);
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      });
      req.on("timeout", () => req.destroy(new Error("Graph timed out")));
      req.on("error", reject);
      req.end(body);
    });

  class Throttled extends Error {}
  const throttledCheck = (tenantId: string, res: { status: number; headers: Record<string, string | string[] | undefined> }) => {
    if (res.status !== 429 && res.status !== 503) return;
    const seconds = Number(res.headers["retry-after"] ?? 30);
    quietUntil.set(tenantId, o.clock.now() + (Number.isFinite(seconds) ? Math.min(seconds, 3600) : 30) * 1000);
    throw new Throttled(`Graph is throttling tenant ${tenantId}`);
  };

  async function appToken(tenantId: string): Promise<string> {
    const kept = appTokens.get(tenantId);
    if (kept && kept.until > o.clock.now()) return kept.token;
    const form = new URLSearchParams({ grant_type: "client_credentials", client_id: o.clientId, client_secret: o.clientSecret, scope: `${new URL(o.graphUrl).origin}/.default` }).toString();
    const res = await request("POST", o.tokenUrl(tenantId), { "content-type": "application/x-www-form-urlencoded" }, form);
    throttledCheck(tenantId, res);
    const answer = JSON.parse(res.body.toString("utf8")) as { access_token?: string; expires_in?: number };
    if (res.status !== 200 || !answer.access_token) throw new Error(`Graph token refused (HTTP ${res.status})`);
    appTokens.set(tenantId, { token: answer.access_token, until: o.clock.now() + Math.max(60, (answer.expires_in ?? 3600) - 60) * 1000 });
    return answer.access_token;
  }

  async function graphGet(tenantId: string, path: string): Promise<{ status: number; body: Buffer; type: string }> {
    const res = await request("GET", `${o.graphUrl}${path}`, { authorization: `Bearer ${await appToken(tenantId)}` });
    throttledCheck(tenantId, res);
    return { status: res.status, body: res.body, type: String(res.headers["content-type"] ?? "") };
  }

  async function organisation(tenantId: string): Promise<Organisation> {
    const kept = organisations.get(tenantId);
    if (kept && kept.until > o.clock.now()) return kept.org;
    const res = await graphGet(tenantId, "/organization?$select=displayName,verifiedDomains");
    if (res.status !== 200) throw new Error(`Graph organization: HTTP ${res.status}`);
    const value = (JSON.parse(res.body.toString("utf8")) as { value?: { displayName?: string; verifiedDomains?: { name?: string }[] }[] }).value?.[0];
    const org = { displayName: value?.displayName ?? tenantId, domains: (value?.verifiedDomains ?? []).map((d) => (d.name ?? "").toLowerCase()).filter(Boolean) };
    organisations.set(tenantId, { org, until: o.clock.now() + ttl });
    return org;
  }

  async function photo(tenantId: string, objectId: string): Promise<string | null> {
    const res = await graphGet(tenantId, `/users/${encodeURIComponent(objectId)}/photos/48x48/$value`);
    if (res.status !== 200 || res.body.length > PHOTO_MAX_BYTES || !/^image\/(jpeg|png)/.test(res.type)) return null; // a photo-less user: 404
    return `data:${res.type.split(";")[0]};base64,${res.body.toString("base64")}`;
  }

  async function lookup(identity: Identity, objectId: string): Promise<Profile | null> {
    const res = await graphGet(identity.tenantId, `/users/${encodeURIComponent(objectId)}?$select=displayName,jobTitle,companyName,mail`);
    if (res.status === 404) return null;
    if (res.status !== 200) throw new Error(`Graph user: HTTP ${res.status}`);
    const user = JSON.parse(res.body.toString("utf8")) as GraphUser;
    const [org, picture] = await Promise.all([organisation(identity.tenantId), photo(identity.tenantId, objectId)]);
    const mailDomain = user.mail?.split("@")[1]?.toLowerCase() ?? null;
    return {
      ...identity.profile,
      name: user.displayName || identity.profile.name,
      jobTitle: user.jobTitle ?? "",
      company: user.companyName ?? "",
      photoUrl: picture,
      // Verified only when the organisation has verified the domain of the user's own address.
      verifiedDomain: mailDomain && org.domains.includes(mailDomain) ? mailDomain : null,
      tenantName: org.displayName,
    };
  }

  /** What the claims alone can say: no domain is shown as verified. */
  const unverified = (identity: Identity): Identity => ({ ...identity, profile: { ...identity.profile, verifiedDomain: null } });

  const enrich = async (identity: Identity, claims: JWTPayload): Promise<Identity> => {
    const objectId = typeof claims.oid === "string" ? claims.oid : null;
    if (!objectId) return unverified(identity);
    const key = `${identity.tenantId}:${objectId}`;
    const now = o.clock.now();
    const kept = profiles.get(key);
    if (kept && kept.until > now) return { ...identity, name: kept.profile.name, profile: { ...kept.profile, userId: identity.userId } };
    if ((quietUntil.get(identity.tenantId) ?? 0) > now) return unverified(identity);
    try {
      const profile = await lookup(identity, objectId);
      if (!profile) {
        o.log?.(`Graph has no user ${objectId} in tenant ${identity.tenantId}; the token's claims are shown, unverified`);
        return unverified(identity);
      }
      setNewest(profiles, key, { profile, until: now + ttl }, MAX_CACHED);
      return { ...identity, name: profile.name, profile };
    } catch (error) {
      o.log?.(error instanceof Error ? error.message : String(error));
      return unverified(identity);
    }
  };
  /** Names of group object ids (unknown ones and anything but a group id are left out); cached like profiles. */
  const groupNames: GroupNames = async (tenantId, ids) => {
    const names: Record<string, string> = {};
    for (const id of ids.filter((i) => ENTRA_GROUP_ID.test(i))) {
      const key = `${tenantId}:${id.toLowerCase()}`;
      let kept = groups.get(key);
      if (!kept || kept.until <= o.clock.now()) {
        if ((quietUntil.get(tenantId) ?? 0) > o.clock.now()) break;
        try {
          const res = await graphGet(tenantId, `/groups/${encodeURIComponent(id)}?$select=displayName`);
          const name = res.status === 200 ? ((JSON.parse(res.body.toString("utf8")) as { displayName?: string }).displayName ?? null) : null;
          kept = { name, until: o.clock.now() + ttl };
          setNewest(groups, key, kept, MAX_CACHED);
        } catch (error) {
          o.log?.(error instanceof Error ? error.message : String(error));
          break;
        }
      }
      if (kept.name) names[id] = kept.name;
    }
    return names;
  };
  return Object.assign(enrich, { groupNames, calls: () => calls });
}
