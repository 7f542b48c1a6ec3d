import path from "node:path";
import { z } from "zod";
import { TenantSettingsPatch } from "../protocol/index.js";
import { parseTrustedProxies, type TrustedProxies } from "./http/client-address.js";

/**
 * All broker settings, from the environment, with defaults that make
 * `npm start` work on a fresh machine: HTTPS on localhost:8443, data in ./data,
 * the embedded IdP with the demo directory unless an external IdP is configured.
 */
const list = (text: string) => text.split(",").map((s) => s.trim()).filter(Boolean);
const ms = (defaultMs: number) => z.coerce.number().int().positive().default(defaultMs);
/** Exactly true/false/1/0: a coerced boolean reads "false" and "off" as true. */
const strictBoolean = (defaultValue: boolean) =>
  z
    .union([z.boolean(), z.string()])
    .transform((value, ctx) => {
      if (typeof value === "boolean") return value;
      if (["true", "1"].includes(value)) return true;
      if (["false", "0"].includes(value)) return false;
      ctx.addIssue({ code: "custom", message: `must be true, false, 1 or 0, not "${value}"` });
      return z.NEVER;
    })
    .default(defaultValue);

export const BrokerConfig = z.object({
  host: z.string().default("127.0.0.1"),
  port: z.coerce.number().int().min(0).max(65535).default(8443),
  /** The origin people reach the broker at (links in codes); defaults to https://localhost:<port>. */
  publicOrigin: z.string().url().optional(),
  dataDir: z.string().default(path.resolve("data")),
  /** The audit log's key (chain HMAC, checkpoint signatures): keep it out of database backups. Default <data>/audit.key. */
  auditKeyFile: z.string().min(1).optional(),
  /** Where signed audit checkpoints are appended (ship it to a log sink). Default <data>/audit-checkpoints.jsonl. */
  auditCheckpointFile: z.string().min(1).optional(),
  /** PostgreSQL instead of the embedded SQLite file, e.g. postgres://tandem@db/tandem. */
  databaseUrl: z.string().url().optional(),
  databasePoolSize: z.coerce.number().int().min(1).max(200).default(10),
  /** Redis for several brokers: session events travel between them. */
  redisUrl: z.string().url().optional(),
  /** Names this deployment's keys and channel in Redis, so several can share one Redis. */
  redisPrefix: z.string().regex(/^[\w.-]+$/).default("tandem"),
  /** `:memory:` or a file; defaults to <dataDir>/tandem.sqlite. */
  sqliteFile: z.string().optional(),
  /** `off` only behind a load balancer or proxy that terminates TLS for the broker. */
  tls: z.enum(["on", "off"]).default("on"),
  tlsCertFile: z.string().optional(),
  tlsKeyFile: z.string().optional(),
  /** The embedded IdP's directory (tenants, people, groups). */
  directoryFile: z.string().default(path.resolve("config/demo-directory.json")),
  /** HTTP requests per caller (console session, token, or else address) per minute, shared across brokers through Redis. */
  httpRequestsPerMinute: z.coerce.number().int().min(1).default(600),
  /** The built console and sharer page (`npm run build:web`). */
  webDir: z.string().default(path.resolve("dist/web")),
  /** Where "Download the app" points (installers, or the update feed's folder). */
  downloadUrl: z.string().default("/download"),
  /** A folder with the desktop app's update feed (electron-builder's release output), served at /updates/. */
  updatesDir: z.string().optional(),
  idpAccessTokenTtlSeconds: z.coerce.number().int().positive().default(3600),
  /** An external IdP's keys; without them the embedded IdP at /idp signs in everyone. */
  jwksUrl: z.string().url().optional(),
  jwtIssuer: z.string().optional(),
  jwtAudience: z.string().optional(),
  /** Console sign-in against Microsoft Entra ID instead of the embedded IdP (with the JWKS settings above). */
  entraTenant: z.string().optional(),
  /** Or the full authority, e.g. https://login.microsoftonline.com/<tenant> (a national cloud's too). */
  oidcAuthority: z.string().url().startsWith("https://").optional(),
  oidcClientId: z.string().optional(),
  oidcClientSecret: z.string().optional(),
  /** Space-separated API scopes the console asks for, e.g. "api://<app id>/access_as_user". */
  oidcScopes: z.string().optional(),
  /**
   * With Entra sign-in: trust profiles (title, company, photo, verified domain) from Microsoft Graph with the
   * app's credentials (application permissions User.Read.All and Organization.Read.All). Off: the token's claims only.
   */
  graphProfiles: strictBoolean(true),
  graphUrl: z.string().url().startsWith("https://").default("https://graph.microsoft.com/v1.0"),
  /** `{tenant}` is replaced with the user's tenant id. */
  graphTokenUrl: z.string().url().startsWith("https://").includes("{tenant}").default("https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token"),
  consoleSessionMaxAgeMs: ms(8 * 3600_000),
  /** JSON, e.g. {"allowUnenrolledDevices":true}: settings every new tenant starts with. */
  defaultTenantSettings: z
    .string()
    .transform((text) => TenantSettingsPatch.parse(JSON.parse(text)))
    .or(TenantSettingsPatch)
    .default({}),
  /** Comma-separated STUN and TURN URLs (e.g. turn:turn.example.com:3478?transport=udp) and coturn's static-auth-secret. */
  stunUrls: z.string().default("").transform(list),
  turnUrls: z.string().default("").transform(list),
  turnSecret: z.string().min(16).optional(),
  turnTtlSeconds: z.coerce.number().int().min(60).max(86_400).default(600),
  codeTtlMs: ms(10 * 60_000),
  graceMs: ms(15_000),
  heartbeatIntervalMs: ms(1_000),
  heartbeatTimeoutMs: ms(2_500),
  helloTimeoutMs: ms(10_000),
  /** Above this resident memory the broker refuses new work (sessions in progress go on). */
  memoryLimitMb: z.coerce.number().int().min(1).default(1536),
  messagesPerSecond: z.coerce.number().positive().default(50),
  messageBurst: z.coerce.number().int().positive().default(200),
  codeFailuresPerUser: z.coerce.number().int().positive().default(5),
  codeFailuresPerAddress: z.coerce.number().int().positive().default(20),
  codeFailureWindowMs: ms(60_000),
  /** Console and identity-provider sign-ins started per address (IPv6: per /64) in 10 minutes: each leaves a pending row until it expires. */
  signInStartsPerAddress: z.coerce.number().int().positive().default(100),
  /** Behind one load balancer or proxy: the client address is the last X-Forwarded-For entry (TANDEM_TRUSTED_PROXIES names several). */
  trustProxy: strictBoolean(false),
  /** The proxies in front, which turns proxy trust on: CIDR ranges (e.g. 10.0.0.0/8,fd00::/8) or how many hops (e.g. 2). */
  trustedProxies: z
    .string()
    .transform((text, ctx) => {
      try {
        return parseTrustedProxies(text);
      } catch (error) {
        ctx.addIssue({ code: "custom", message: (error as Error).message });
        return z.NEVER;
      }
    })
    .optional(),
  logLevel: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
});
export type BrokerConfig = z.infer<typeof BrokerConfig>;

/** The hops whose X-Forwarded-For entries count: the named proxies, one hop when proxy trust is on without a list, else none. */
export const auditFilesOf = (config: BrokerConfig) => ({
  keyFile: config.auditKeyFile ?? path.join(config.dataDir, "audit.key"),
  checkpointFile: config.auditCheckpointFile ?? path.join(config.dataDir, "audit-checkpoints.jsonl"),
});

export const trustedProxiesOf = (config: BrokerConfig): TrustedProxies | null => config.trustedProxies ?? (config.trustProxy ? { hops: 1 } : null);
export type BrokerConfigInput = z.input<typeof BrokerConfig>;

/** The environment variable behind each setting (the deploy files are checked against these). */
export const ENV_NAMES: Record<keyof BrokerConfig, string> = {
  host: "TANDEM_HOST",
  port: "TANDEM_PORT",
  publicOrigin: "TANDEM_PUBLIC_ORIGIN",
  dataDir: "TANDEM_DATA_DIR",
  auditKeyFile: "TANDEM_AUDIT_KEY_FILE",
  auditCheckpointFile: "TANDEM_AUDIT_CHECKPOINT_FILE",
  databaseUrl: "DATABASE_URL",
  databasePoolSize: "TANDEM_DB_POOL_SIZE",
  redisUrl: "REDIS_URL",
  redisPrefix: "TANDEM_REDIS_PREFIX",
  sqliteFile: "TANDEM_SQLITE_FILE",
  tls: "TANDEM_TLS",
  tlsCertFile: "TANDEM_TLS_CERT",
  tlsKeyFile: "TANDEM_TLS_KEY",
  directoryFile: "TANDEM_DIRECTORY_FILE",
  webDir: "TANDEM_WEB_DIR",
  httpRequestsPerMinute: "TANDEM_HTTP_REQUESTS_PER_MINUTE",
  signInStartsPerAddress: "TANDEM_SIGN_IN_STARTS_PER_ADDRESS",
  downloadUrl: "TANDEM_DOWNLOAD_URL",
  updatesDir: "TANDEM_UPDATES_DIR",
  idpAccessTokenTtlSeconds: "TANDEM_IDP_ACCESS_TOKEN_TTL",
  jwksUrl: "TANDEM_JWKS_URL",
  jwtIssuer: "TANDEM_JWT_ISSUER",
  jwtAudience: "TANDEM_JWT_AUDIENCE",
  entraTenant: "TANDEM_ENTRA_TENANT",
  oidcAuthority: "TANDEM_OIDC_AUTHORITY",
  oidcClientId: "TANDEM_OIDC_CLIENT_ID",
  oidcClientSecret: "TANDEM_OIDC_CLIENT_SECRET",
  oidcScopes: "TANDEM_OIDC_SCOPES",
  graphProfiles: "TANDEM_GRAPH_PROFILES",
  graphUrl: "TANDEM_GRAPH_URL",
  graphTokenUrl: "TANDEM_GRAPH_TOKEN_URL",
  consoleSessionMaxAgeMs: "TANDEM_CONSOLE_SESSION_MAX_AGE_MS",
  defaultTenantSettings: "TANDEM_DEFAULT_TENANT_SETTINGS",
  stunUrls: "TANDEM_STUN_URLS",
  turnUrls: "TANDEM_TURN_URLS",
  turnSecret: "TANDEM_TURN_SECRET",
  turnTtlSeconds: "TANDEM_TURN_TTL_SECONDS",
  codeTtlMs: "TANDEM_CODE_TTL_MS",
  graceMs: "TANDEM_GRACE_MS",
  heartbeatIntervalMs: "TANDEM_HEARTBEAT_INTERVAL_MS",
  heartbeatTimeoutMs: "TANDEM_HEARTBEAT_TIMEOUT_MS",
  helloTimeoutMs: "TANDEM_HELLO_TIMEOUT_MS",
  memoryLimitMb: "TANDEM_MEMORY_LIMIT_MB",
  messagesPerSecond: "TANDEM_MESSAGES_PER_SECOND",
  messageBurst: "TANDEM_MESSAGE_BURST",
  codeFailuresPerUser: "TANDEM_CODE_FAILURES_PER_USER",
  codeFailuresPerAddress: "TANDEM_CODE_FAILURES_PER_ADDRESS",
  codeFailureWindowMs: "TANDEM_CODE_FAILURE_WINDOW_MS",
  trustProxy: "TANDEM_TRUST_PROXY",
  trustedProxies: "TANDEM_TRUSTED_PROXIES",
  logLevel: "TANDEM_LOG_LEVEL",
};

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): BrokerConfig {
  const raw = Object.fromEntries(
    Object.entries(ENV_NAMES)
      .map(([key, name]) => [key, env[name]])
      .filter(([, value]) => value !== undefined && value !== ""),
  );
  const parsed = BrokerConfig.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const key = issue.path[0] as keyof BrokerConfig;
    throw new Error(`invalid setting ${ENV_NAMES[key] ?? key}: ${issue.message}`);
  }
  const config = parsed.data;
  if (config.jwksUrl && (!config.jwtIssuer || !config.jwtAudience)) {
    throw new Error("TANDEM_JWKS_URL needs TANDEM_JWT_ISSUER and TANDEM_JWT_AUDIENCE as well");
  }
  if ((config.entraTenant || config.oidcAuthority) && (!config.jwksUrl || !config.oidcClientId || !config.oidcClientSecret || !config.oidcScopes)) {
    throw new Error("Entra sign-in (TANDEM_OIDC_AUTHORITY or TANDEM_ENTRA_TENANT) needs TANDEM_OIDC_CLIENT_ID, TANDEM_OIDC_CLIENT_SECRET, TANDEM_OIDC_SCOPES and the TANDEM_JWKS_URL/ISSUER/AUDIENCE of the tenant");
  }
  return config;
}
