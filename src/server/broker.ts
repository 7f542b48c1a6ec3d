import fs from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import Fastify, { type FastifyInstance } from "fastify";
import { createChatService } from "./chat/chat-service.js";
import { type Clock, systemClock } from "./clock.js";
import type { BrokerConfig } from "./config.js";
import { type LocalIssuer, loadOrCreateLocalIssuer } from "./identity/local-issuer.js";
import { createTokenVerifier, type TokenVerifier } from "./identity/token-verifier.js";
import { registerStatusRoutes } from "./http/status-routes.js";
import { createAttemptLimiter } from "./sessions/attempt-limiter.js";
import { createCodeSecrets } from "./sessions/code-secrets.js";
import { createLocalBus, type SessionBus } from "./sessions/session-bus.js";
import { createSessionService } from "./sessions/session-service.js";
import { openSqlite } from "./store/engine.js";
import { createKyselyStore } from "./store/kysely-store.js";
import type { Store } from "./store/store.js";
import { loadOrCreateLocalTls, type TlsMaterial } from "./tls/local-ca.js";
import { registerWsEndpoint } from "./ws/endpoint.js";
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
  /** Present when no external IdP is configured. */
  localIssuer: LocalIssuer | null;
  store: Store;
  /** Listens and returns the origin, e.g. https://127.0.0.1:8443. */
  listen(): Promise<string>;
  close(): Promise<void>;
}

/** Builds a configured broker without listening, so tests can start it on port 0. */
export async function buildBroker(config: BrokerConfig, overrides: BrokerOverrides = {}): Promise<Broker> {
  fs.mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const clock = overrides.clock ?? systemClock;
  const tls = config.tls === "off" ? null : await loadTls(config);
  const common = { logger: { level: config.logLevel }, trustProxy: config.trustProxy };
  const app = (tls ? Fastify({ ...common, https: { cert: tls.cert, key: tls.key } }) : Fastify(common)) as unknown as FastifyInstance;
  const scheme = tls ? "https" : "http";

  let origin = config.publicOrigin ?? `${scheme}://localhost:${config.port}`;
  const localIssuer = config.jwksUrl ? null : await loadOrCreateLocalIssuer(config.dataDir, "urn:tandem:local-issuer");
  const verifier: TokenVerifier = localIssuer
    ? createTokenVerifier({ issuer: localIssuer.issuer, audience: localIssuer.audience, keys: { jwks: localIssuer.jwks } })
    : createTokenVerifier({ issuer: config.jwtIssuer!, audience: config.jwtAudience!, keys: { jwksUrl: config.jwksUrl! } });

  const store = overrides.store ?? (await createKyselyStore(openSqlite(config.sqliteFile ?? path.join(config.dataDir, "tandem.sqlite")), "sqlite"));
  const bus = overrides.bus ?? createLocalBus();
  const sessions = createSessionService({
    store,
    clock,
    bus,
    secrets: createCodeSecrets(loadOrCreatePepper(config.dataDir)),
    codeLimits: {
      perUser: createAttemptLimiter(clock, config.codeFailuresPerUser, config.codeFailureWindowMs),
      perAddress: createAttemptLimiter(clock, config.codeFailuresPerAddress, config.codeFailureWindowMs),
    },
    codeTtlMs: config.codeTtlMs,
    graceMs: config.graceMs,
    get publicOrigin() {
      return origin;
    },
  });
  const chat = createChatService({ store, clock, bus });
  const hub = new Hub(bus);

  const ws = registerWsEndpoint(
    app,
    { verifier, sessions, chat, bus, hub, heartbeatIntervalMs: config.heartbeatIntervalMs, heartbeatTimeoutMs: config.heartbeatTimeoutMs },
    { messagesPerSecond: config.messagesPerSecond, messageBurst: config.messageBurst, helloTimeoutMs: config.helloTimeoutMs, trustProxy: config.trustProxy },
  );
  registerStatusRoutes(app, { tls, localIssuer, stats: () => ({ connections: ws.connectionCount, liveSessions: hub.sessionCount }) });
  await sessions.recover();

  return {
    app,
    tls,
    localIssuer,
    store,
    async listen() {
      await app.listen({ host: config.host, port: config.port });
      const address = app.server.address();
      const port = typeof address === "object" && address ? address.port : config.port;
      if (!config.publicOrigin) origin = `${scheme}://localhost:${port}`;
      return `${scheme}://${config.host.includes(":") ? `[${config.host}]` : config.host}:${port}`;
    },
    async close() {
      ws.close();
      sessions.shutdown();
      hub.close();
      await app.close();
      if (!overrides.store) await store.close();
    },
  };
}

async function loadTls(config: BrokerConfig): Promise<TlsMaterial> {
  if (config.tlsCertFile && config.tlsKeyFile) {
    return { cert: fs.readFileSync(config.tlsCertFile, "utf8"), key: fs.readFileSync(config.tlsKeyFile, "utf8") };
  }
  return loadOrCreateLocalTls(config.dataDir);
}

/** The key behind code and resume-token hashes; kept with the data, never in the database. */
function loadOrCreatePepper(dataDir: string): Buffer {
  const file = path.join(dataDir, "code-pepper.key");
  if (!fs.existsSync(file)) fs.writeFileSync(file, randomBytes(32).toString("base64"), { mode: 0o600 });
  return Buffer.from(fs.readFileSync(file, "utf8"), "base64");
}
