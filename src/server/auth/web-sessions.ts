import { randomBytes, timingSafeEqual } from "node:crypto";
import type { Clock } from "../clock.js";
import type { Identity } from "../identity/identity.js";
import type { IdpRecordStore } from "../store/store.js";

/**
 * Signed-in console users, server side: the browser holds only an opaque,
 * HttpOnly cookie; tokens stay with the broker. Kept in Tandem's store, so a
 * sign-in started on one broker can finish on another and the cookie works on
 * every broker behind the load balancer. Each session has its own CSRF token.
 */
export interface WebSession {
  id: string;
  identity: Identity;
  accessToken: string;
  /** When the access token expires (ms); refreshed silently before. */
  expiresAt: number;
  refreshToken: string | null;
  idToken: string | null;
  csrfToken: string;
  createdAt: number;
}

export interface PendingSignIn {
  codeVerifier: string;
  nonce: string;
  returnTo: string;
}

const SESSION = "ConsoleSession";
const PENDING = "ConsoleSignIn";
const PENDING_TTL_MS = 10 * 60_000;

export class WebSessions {
  constructor(
    private readonly records: IdpRecordStore,
    private readonly clock: Clock,
    private readonly maxAgeMs: number,
  ) {}

  async begin(state: string, pending: PendingSignIn): Promise<void> {
    await this.records.upsert(PENDING, state, { ...pending }, this.clock.now() + PENDING_TTL_MS);
  }

  /** The sign-in started with this state, once. */
  async takePending(state: string): Promise<PendingSignIn | undefined> {
    const record = await this.records.find(PENDING, state);
    if (!record) return undefined;
    await this.records.destroy(PENDING, state);
    return record.expiresAt !== null && record.expiresAt > this.clock.now() ? (record.payload as unknown as PendingSignIn) : undefined;
  }

  async create(fields: Omit<WebSession, "id" | "csrfToken" | "createdAt">): Promise<WebSession> {
    const session: WebSession = { ...fields, id: randomBytes(32).toString("base64url"), csrfToken: randomBytes(24).toString("base64url"), createdAt: this.clock.now() };
    await this.save(session);
    return session;
  }

  async get(id: string | undefined): Promise<WebSession | undefined> {
    if (!id || id.length > 64) return undefined;
    const record = await this.records.find(SESSION, id);
    if (!record || (record.expiresAt !== null && record.expiresAt <= this.clock.now())) return undefined;
    return record.payload as unknown as WebSession;
  }

  async update(session: WebSession, fields: Pick<WebSession, "identity" | "accessToken" | "expiresAt" | "refreshToken">): Promise<void> {
    Object.assign(session, fields);
    await this.save(session);
  }

  async destroy(id: string): Promise<void> {
    await this.records.destroy(SESSION, id);
  }

  private async save(session: WebSession) {
    await this.records.upsert(SESSION, session.id, session as unknown as Record<string, unknown>, session.createdAt + this.maxAgeMs);
  }
}

export function csrfMatches(session: WebSession, presented: string | undefined): boolean {
  if (!presented) return false;
  const [a, b] = [Buffer.from(session.csrfToken), Buffer.from(presented)];
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The value of one cookie in a Cookie header. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of header?.split(";") ?? []) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
