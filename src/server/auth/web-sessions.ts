import { randomBytes, timingSafeEqual } from "node:crypto";
import type { AccountInfo } from "@azure/msal-node";
import type { Clock } from "../clock.js";
import type { Identity } from "../identity/identity.js";

/**
 * Signed-in console users, server side: the browser holds only an opaque,
 * HttpOnly cookie; tokens stay on the broker. Each session has its own CSRF
 * token for state-changing calls.
 */
export interface WebSession {
  id: string;
  identity: Identity;
  accessToken: string;
  /** When the access token expires (ms); refreshed silently before. */
  expiresAt: number;
  account: AccountInfo;
  csrfToken: string;
  createdAt: number;
}

export interface PendingSignIn {
  codeVerifier: string;
  nonce: string;
  returnTo: string;
  createdAt: number;
}

const PENDING_TTL_MS = 10 * 60_000;

export class WebSessions {
  private readonly sessions = new Map<string, WebSession>();
  private readonly pending = new Map<string, PendingSignIn>();

  constructor(
    private readonly clock: Clock,
    private readonly maxAgeMs: number,
  ) {}

  begin(state: string, pending: Omit<PendingSignIn, "createdAt">): void {
    this.sweep();
    this.pending.set(state, { ...pending, createdAt: this.clock.now() });
  }

  /** The sign-in started with this state, once. */
  takePending(state: string): PendingSignIn | undefined {
    const pending = this.pending.get(state);
    this.pending.delete(state);
    return pending && this.clock.now() - pending.createdAt < PENDING_TTL_MS ? pending : undefined;
  }

  create(fields: Omit<WebSession, "id" | "csrfToken" | "createdAt">): WebSession {
    const session = { ...fields, id: randomBytes(32).toString("base64url"), csrfToken: randomBytes(24).toString("base64url"), createdAt: this.clock.now() };
    this.sessions.set(session.id, session);
    return session;
  }

  get(id: string | undefined): WebSession | undefined {
    const session = id ? this.sessions.get(id) : undefined;
    if (session && this.clock.now() - session.createdAt > this.maxAgeMs) {
      this.sessions.delete(session.id);
      return undefined;
    }
    return session;
  }

  update(session: WebSession, fields: Pick<WebSession, "identity" | "accessToken" | "expiresAt" | "account">): void {
    Object.assign(session, fields);
  }

  destroy(id: string): void {
    this.sessions.delete(id);
  }

  private sweep() {
    const now = this.clock.now();
    for (const [state, pending] of this.pending) if (now - pending.createdAt >= PENDING_TTL_MS) this.pending.delete(state);
    for (const [id, session] of this.sessions) if (now - session.createdAt > this.maxAgeMs) this.sessions.delete(id);
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
