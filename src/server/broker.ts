import fs from "node:fs";
import http, { type RequestListener } from "node:http";
import https from "node:https";
import path from "node:path";
import { randomUUID } from "node:crypto";
import Fastify, { type FastifyInstance } from "fastify";
import { createChatService } from "./chat/chat-service.js";
import { type Clock, systemClock } from "./clock.js";
import { auditFilesOf, type BrokerConfig, trustedProxiesOf } from "./config.js";
import { loadOrCreateAuditKeys } from "./audit/audit-keys.js";
import { type AuditCheckpoints, startAuditCheckpoints } from "./audit/audit-checkpoints.js";
import { type AuditVerifier, createAuditVerifier } from "./audit/audit-verifier.js";
import { isTrustedHop, requestAddress } from "./http/client-address.js";
import { CONTROL_GRANT_KEYS_PATH, TenantSettings } from "../protocol/index.js";
import { registerAuthRoutes } from "./http/auth-routes.js";
import { createDeviceService } from "./devices/device-service.js";
import { type RetentionJob, startRetentionJob } from "./audit/retention.js";
import { createRefusalAudit } from "./audit/refusal-summaries.js";
import type { DirectoryTenant } from "./identity/directory.js";
import { createSessionPolicy } from "./policy/session-policy.js";
import { createTenantConfig } from "./policy/tenant-config.js";
import { createConsoleAuth } from "./auth/console-auth.js";
import { type ConsoleSignIn, entraAuthority } from "./auth/msal-config.js";
import { type EmbeddedIdp, startEmbeddedIdp } from "./identity/idp/embedded-idp.js";
import { API_SCOPE, CONSOLE_CLIENT_ID } from "./identity/idp/provider.js";
import { IDP_PREFIX } from "./identity/idp/mount.js";
import { freePort } from "./http/free-port.js";
import { createTokenVerifier, type TokenVerifier } from "./identity/token-verifier.js";
import { graphProfilesFor } from "./identity/graph-profiles.js";
import { registerStatusRoutes } from "./http/status-routes.js";
import { registerAdminRoutes } from "./http/admin-routes.js";
import { createApiGuard } from "./http/api-caller.js";
import { typedHttpErrors } from "./http/typed-errors.js";
import { registerReportRoutes } from "./http/report-routes.js";
import { createPeopleNames } from "./identity/people-names.js";
import { createAuditLog } from "./audit/audit-log.js";
import { createSessionReports } from "./sessions/session-reports.js";
import { registerPppcRoutes } from "./http/pppc-routes.js";
import { registerUpdateFeedRoutes } from "./http/update-feed-routes.js";
import { registerWebRoutes } from "./http/web-routes.js";
import { registerHttpRateLimits } from "./http/rate-limits.js";
import { createAbuseLimits, verifiedCallerOf } from "./abuse-limits.js";
import { type RecordPruning, startExpiredRecordPruning } from "./store/expired-record-pruning.js";
import { createAttemptLimiter, createRedisAttemptLimiter } from "./limits/attempt-limiter.js";
import { offerLimitsFor } from "./sessions/device-offers.js";
import { codeSecretsIn } from "./sessions/code-secrets.js";
import { loadOrCreateControlGrants } from "./sessions/control-grants.js";
import { createLocalBus, type SessionBus } from "./sessions/session-bus.js";
import { createRedisBus } from "./sessions/redis-bus.js";
import { startBrokerPresence } from "./sessions/broker-presence.js";
import { catchUpAfterBusOutage } from "./ws/bus-catch-up.js";
import { createSessionService } from "./sessions/session-service.js";
import { createSessionTools } from "./sessions/session-tools.js";
import { openPostgres, openSqlite } from "./store/engine.js";
import { createKyselyStore } from "./store/kysely-store.js";
import type { Store } from "./store/store.js";
import { loadOrCreateLocalTls, type TlsMaterial } from "./tls/local-ca.js";
import { registerWsEndpoint } from "./ws/endpoint.js";
import { startMemoryGuard } from "./memory-guard.js";
import { startMemorySettling } from "./memory-settling.js";
import { Hub } from "./ws/hub.js";


export interface BrokerOverrides {
  clock?: Clock;
  store?: Store;
  bus?: SessionBus;
}

export interface Broker {
  app: FastifyInstance;
  /** Null when TLS is terminated in front of the broker (TANDEM_TLS=off). */
  tls: TlsMaterial | null;
  /** The embedded identity provider, unless an external one is configured. */
  idp: EmbeddedIdp | null;
  /** Removes data past each tenant's retention period (hourly; `runOnce` for tests and operators). */
  retention: RetentionJob;
  /** Signed checkpoints of every tenant's audit head (every 15 s; `writeNow` for tests). */
  checkpoints: AuditCheckpoints;
  /** A tenant's audit log against its keyed chain and last signed checkpoint. */
  verifyAudit: AuditVerifier;
  /** Removes expired sign-in records (every 5 minutes; `runOnce` for tests). */
  pruning: RecordPruning;
  /** Where people reach this broker (links, redirect URIs). */
  origin: string;
  store: Store;
  /** Listens and returns the origin, e.g. https://127.0.0.1:8443. */
  listen(): Promise<string>;
  close(): Promise<void>;
}

/** How often each tenant's audit head is checkpointed: rows written since the last checkpoint are not yet covered against truncation. */
const AUDIT_CHECKPOINT_EVERY_MS = 15_000;

/** Builds a configured broker without listening, so tests can start it on port 0. */
export async function buildBroker(config: BrokerConfig, overrides: BrokerOverrides = {}): Promise<Broker> {
  fs.mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const trustedProxies = trustedProxiesOf(config);
  const clock = overrides.clock ?? systemClock;
  const tls = config.tls === "off" ? null : await loadTls(config);
  const scheme = tls ? "https" : "http";
  const port = config.port === 0 ? await freePort(config.host) : config.port;
  const origin = config.publicOrigin ?? `${scheme}://localhost:${port}`;
  const limits = createAbuseLimits(config, clock);
  const auditFiles = auditFilesOf(config);
  const auditKeys = loadOrCreateAuditKeys(auditFiles.keyFile);

  const store =
    overrides.store ??
    (config.databaseUrl
      ? await createKyselyStore(openPostgres(config.databaseUrl, config.databasePoolSize), "postgres", { auditChainKey: auditKeys.chainKey })
      : await createKyselyStore(openSqlite(config.sqliteFile ?? path.join(config.dataDir, "tandem.sqlite")), "sqlite", { auditChainKey: auditKeys.chainKey }));
  const checkpoints = startAuditCheckpoints({ heads: () => store.listAuditHeads(), keys: auditKeys, file: auditFiles.checkpointFile, clock, everyMs: AUDIT_CHECKPOINT_EVERY_MS, log: (error) => app.log.error({ err: error }, "writing an audit checkpoint failed") });
  const idp = config.jwksUrl
    ? null
    : await startEmbeddedIdp({
        publicOrigin: origin,
        dataDir: config.dataDir,
        directoryFile: config.directoryFile,
        behindProxy: trustedProxies !== null,
        accessTokenTtlSeconds: config.idpAccessTokenTtlSeconds,
        records: store.idp,
        clock,
        addressOf: (req) => requestAddress(req, trustedProxies),
        throttle: limits.signInThrottle,
        signInStarts: limits.signInStarts,
        onLock: (lock, user, address) => {
          const detail = { kind: lock.kind, failures: lock.failures, lockedForSeconds: Math.ceil(lock.lockedForMs / 1000), address };
          if (user) void store.appendAudit({ tenantId: user.tenant, sessionId: null, actorId: user.id, action: "sign_in.locked", detail, at: clock.now() }).catch(() => undefined);
          // An address lock belongs to no tenant: it goes to the broker's log (the app exists by the time anyone signs in).
          else app.log.warn(detail, "sign-in locked");
        },
      });
  const graph = graphProfilesFor(config, clock, (problem) => app.log.warn(problem));
  const verifier: TokenVerifier = idp?.verifier ?? createTokenVerifier({ issuer: config.jwtIssuer!, audience: config.jwtAudience!, keys: { jwksUrl: config.jwksUrl! }, enrich: graph });

  // /idp is served by the identity provider (a Koa app) before Fastify sees the request.
  const servedOverHttps = tls !== null || origin.startsWith("https:");
  const serverFactory = (fastifyHandler: RequestListener) => {
    const listener: RequestListener = (req, res) => {
      // Browsers that once reached the broker over HTTPS never fall back to plain HTTP for it.
      if (servedOverHttps) res.setHeader("strict-transport-security", "max-age=31536000");
      if (idp && req.url?.startsWith(`${IDP_PREFIX}/`)) void idp.handle(req, res);
      else fastifyHandler(req, res);
    };
    return tls ? https.createServer({ cert: tls.cert, key: tls.key }, listener) : http.createServer(listener);
  };
  const app = Fastify({ logger: { level: config.logLevel }, trustProxy: (address: string, hop: number) => isTrustedHop(trustedProxies, address, hop), serverFactory, bodyLimit: 64 * 1024 }) as unknown as FastifyInstance;
  app.setErrorHandler(typedHttpErrors);
  const signIn = consoleSignInFor(config, idp, tls);
  const consoleAuth = signIn ? createConsoleAuth({ signIn, verifier, origin, clock, sessionMaxAgeMs: config.consoleSessionMaxAgeMs, records: store.idp }) : null;
  await registerHttpRateLimits(app, { perMinute: config.httpRequestsPerMinute, redis: limits.redis, verifiedCaller: verifiedCallerOf(verifier, consoleAuth && ((cookie) => consoleAuth.peek(cookie))) });

  const brokerId = randomUUID();
  const redisBus = !overrides.bus && config.redisUrl ? await createRedisBus(config.redisUrl, config.redisPrefix, brokerId, (error) => app.log.warn({ err: error }, "bad message on the session bus")) : null;
  const bus = overrides.bus ?? redisBus ?? createLocalBus();
  const tenants = createTenantConfig({ store, clock, defaultSettings: (tenantId) => defaultTenantSettings(config, idp?.directory.findTenant(tenantId)) });
  const refusals = createRefusalAudit({ write: (e) => store.appendAudit(e), clock, onError: (error) => app.log.error({ err: error }, "writing a refusal summary failed") });
  const policy = createSessionPolicy({ tenants, store, clock, refusals });
  const grants = await loadOrCreateControlGrants(config.dataDir, origin, clock);
  const peopleNames = createPeopleNames({
    store,
    directoryName: idp
      ? (tenantId, userId) => {
          const user = idp.directory.findUser(userId);
          return user?.tenant === tenantId ? user.displayName : undefined;
        }
      : undefined,
  });
  const devices = createDeviceService({ store, clock, tenants, peopleNames });
  const sessions = createSessionService({
    store,
    clock,
    bus,
    secrets: codeSecretsIn(config.dataDir),
    codeLimits: redisBus
      ? {
          perUser: createRedisAttemptLimiter(redisBus.client, "user", clock, config.codeFailuresPerUser, config.codeFailureWindowMs),
          perAddress: createRedisAttemptLimiter(redisBus.client, "address", clock, config.codeFailuresPerAddress, config.codeFailureWindowMs),
        }
      : {
          perUser: createAttemptLimiter(clock, config.codeFailuresPerUser, config.codeFailureWindowMs),
          perAddress: createAttemptLimiter(clock, config.codeFailuresPerAddress, config.codeFailureWindowMs),
        },
    offerLimits: offerLimitsFor(clock, redisBus?.client),
    policy,
    devices,
    turn: { stunUrls: config.stunUrls, turnUrls: config.turnUrls, turnSecret: config.turnSecret, ttlSeconds: config.turnTtlSeconds },
    publicOrigin: origin,
    refusals,
    grants,
  });
  const chat = createChatService({ store, clock, bus, policy });
  const tools = createSessionTools({ store, clock, bus, policy });
  if (consoleAuth) registerAuthRoutes(app, consoleAuth, limits.signInStarts);
  const hub = new Hub(bus);
  const memory = startMemoryGuard(config.memoryLimitMb * 1024 * 1024);
  const settling = startMemorySettling((before, after) => app.log.info({ before, after }, "memory settled after a burst"));
  const presence = redisBus
    ? startBrokerPresence({ redis: redisBus.client, brokerId, onPartyLost: (sessionId, role) => sessions.partyLeft(sessionId, role), log: (error) => app.log.warn({ err: error }, "cluster presence") })
    : null;
  hub.seats = presence;
  if (redisBus) catchUpAfterBusOutage({ bus: redisBus, hub, store, log: (error) => app.log.warn({ err: error }, "catch-up after a Redis outage failed") });

  const ws = registerWsEndpoint(
    app,
    {
      verifier,
      sessions,
      tools,
      devices,
      policy,
      chat,
      bus,
      hub,
      memory,
      heartbeatIntervalMs: config.heartbeatIntervalMs,
      heartbeatTimeoutMs: config.heartbeatTimeoutMs,
      // A cookie rides along on any request to this site, so only this site's own pages may use it here.
      cookieIdentity: consoleAuth
        ? async ({ cookie, origin: from }) => (from === origin ? ((await consoleAuth.current(cookie))?.identity ?? null) : null)
        : undefined,
    },
    { messagesPerSecond: config.messagesPerSecond, messageBurst: config.messageBurst, helloTimeoutMs: config.helloTimeoutMs, trustedProxies },
  );
  const guard = createApiGuard({ verifier, consoleAuth, policy });
  registerAdminRoutes(app, { guard, tenants, devices, groupNames: graph?.groupNames });
  const verifyAudit = createAuditVerifier({ store, keys: auditKeys, checkpointFile: auditFiles.checkpointFile });
  registerReportRoutes(app, { guard, reports: createSessionReports(store), auditLog: createAuditLog({ store, verify: verifyAudit, peopleNames }) });
  registerPppcRoutes(app, { guard });
  await registerWebRoutes(app, { webDir: config.webDir, docsDir: path.resolve("docs"), downloadUrl: config.downloadUrl });
  registerUpdateFeedRoutes(app, config.updatesDir);
  // The key the desktop app checks the broker's offers of control against (public; cacheable for a while).
  app.get(CONTROL_GRANT_KEYS_PATH, async (_request, reply) => reply.header("cache-control", "public, max-age=300").send(grants.jwks));
  registerStatusRoutes(app, { tls, stats: () => ({ connections: ws.connectionCount, liveSessions: hub.sessionCount }) });
  await sessions.recover({ alone: !presence });
  const retention = startRetentionJob({ store, retentionDays: async (tenantId) => (await tenants.snapshot(tenantId)).settings.auditRetentionDays, clock, everyMs: 3_600_000, log: (error) => app.log.error({ err: error }, "retention run failed") });
  const pruning = startExpiredRecordPruning({ records: store.idp, clock, everyMs: 5 * 60_000, log: (error) => app.log.error({ err: error }, "pruning expired sign-in records failed") });

  return {
    app,
    tls,
    idp,
    store,
    origin,
    async listen() {
      await app.listen({ host: config.host, port });
      return `${scheme}://${config.host.includes(":") ? `[${config.host}]` : config.host}:${port}`;
    },
    retention,
    pruning,
    checkpoints,
    verifyAudit,
    async close() {
      retention.stop();
      pruning.stop();
      memory.stop();
      settling.stop();
      await presence?.stop();
      ws.close();
      sessions.shutdown();
      await refusals.flush().catch(() => undefined);
      await checkpoints.stop();
      hub.close();
      await app.close();
      await redisBus?.close();
      limits.close();
      if (!overrides.store) await store.close();
    },
  };
}

/** A new tenant's settings: the broker's defaults, then the directory's word for that tenant. */
function defaultTenantSettings(config: BrokerConfig, tenant: DirectoryTenant | undefined): TenantSettings {
  return TenantSettings.parse({
    codeLifetimeSeconds: Math.round(config.codeTtlMs / 1000),
    reconnectGraceSeconds: Math.max(1, Math.round(config.graceMs / 1000)),
    ...config.defaultTenantSettings,
    ...tenant?.settings,
  });
}

/** How the console signs people in: the embedded IdP, Entra ID, or not at all (bearer tokens only). */
function consoleSignInFor(config: BrokerConfig, idp: EmbeddedIdp | null, tls: TlsMaterial | null): ConsoleSignIn | null {
  if (idp) return { kind: "embedded", issuer: idp.issuer, clientId: CONSOLE_CLIENT_ID, clientSecret: idp.consoleClientSecret, ca: tls?.caCert, scopes: [API_SCOPE] };
  if (config.oidcAuthority || config.entraTenant) {
    return { kind: "entra", authority: config.oidcAuthority ?? entraAuthority(config.entraTenant!), clientId: config.oidcClientId!, clientSecret: config.oidcClientSecret!, scopes: config.oidcScopes!.split(" ") };
  }
  return null;
}

async function loadTls(config: BrokerConfig): Promise<TlsMaterial> {
  if (config.tlsCertFile && config.tlsKeyFile) {
    return { cert: fs.readFileSync(config.tlsCertFile, "utf8"), key: fs.readFileSync(config.tlsKeyFile, "utf8") };
  }
  return loadOrCreateLocalTls(config.dataDir);
}
