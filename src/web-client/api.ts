import { ErrorCode, type Party, type Permission } from "../protocol/index.js";

/**
 * The broker's HTTP API from a signed-in page: the session cookie identifies
 * the person; every state-changing call carries the session's CSRF token.
 */
export class ApiError extends Error {
  override name = "ApiError";
  constructor(
    readonly status: number,
    readonly code: ErrorCode | "network",
    message: string,
  ) {
    super(message);
  }
}

export interface Me {
  user: Party;
  tenantId: string;
  csrfToken: string;
  permissions: Permission[];
  chatEnabled: boolean;
}

let csrfToken = "";

export async function api<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  const method = init.method ?? "GET";
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      credentials: "same-origin",
      headers: { ...(init.body !== undefined ? { "content-type": "application/json" } : {}), ...(method !== "GET" ? { "x-csrf-token": csrfToken } : {}) },
      body: init.body !== undefined ? JSON.stringify(init.body) : undefined,
    });
  } catch {
    throw new ApiError(0, "network", "cannot reach the Tandem service");
  }
  if (response.status === 204) return undefined as T;
  const type = response.headers.get("content-type") ?? "";
  const body: unknown = type.includes("json") ? await response.json() : await response.text();
  if (!response.ok) {
    const e = body as { code?: string; message?: string };
    const code = ErrorCode.safeParse(e?.code);
    throw new ApiError(response.status, code.success ? code.data : "internal", e?.message ?? `HTTP ${response.status}`);
  }
  return body as T;
}

/** Who is signed in, with what rights; null when nobody is. */
export async function loadMe(): Promise<Me | null> {
  try {
    const me = await api<{ user: Party; tenantId: string; csrfToken: string }>("/auth/me");
    csrfToken = me.csrfToken;
    const rights = await api<{ permissions: Permission[]; chatEnabled: boolean }>("/api/me/permissions");
    return { ...me, ...rights };
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return null;
    throw error;
  }
}

export function signInUrl(returnTo = location.pathname + location.search): string {
  return `/auth/login?returnTo=${encodeURIComponent(returnTo)}`;
}

export async function signOut(): Promise<void> {
  const { endSessionUrl } = await api<{ endSessionUrl: string | null }>("/auth/logout", { method: "POST" });
  location.assign(endSessionUrl ?? "/");
}
