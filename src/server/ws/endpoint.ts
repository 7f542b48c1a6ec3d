import { performance } from "node:perf_hooks";
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import type { FastifyInstance } from "fastify";
import { type WebSocket, WebSocketServer } from "ws";
import { MAX_FRAME_BYTES } from "../../protocol/index.js";
import { ProtocolError } from "../protocol-error.js";
import { requestAddress, type TrustedProxies } from "../http/client-address.js";
import { isStoreUnreachable } from "../store/engine.js";
import { CLOSE_FLOODING, closeMisbehaving, type Connection, send } from "./connection.js";
import type { WsContext } from "./context.js";
import { dispatch } from "./dispatch.js";
import { reqIdOf, parseFrame } from "./frames.js";
import { createRateBucket } from "../limits/rate-bucket.js";

export interface WsLimits {
  messagesPerSecond: number;
  messageBurst: number;
  helloTimeoutMs: number;
  /** Behind load balancers: which hops may name the client in X-Forwarded-For. */
  trustedProxies: TrustedProxies | null;
}

/**
 * Messages refused within FLOOD_WINDOW_MS before the connection is closed as
 * a flood (a burst of ICE candidates is a handful). Counted per window, not in
 * a row: the bucket refills between a flood's frames, and every message it
 * lets through would otherwise start the count again.
 */
export const FLOOD_CLOSE_AFTER = 1000;
export const FLOOD_WINDOW_MS = 10_000;

export interface WsEndpoint {
  readonly connectionCount: number;
  close(): void;
}

/**
 * The broker's WebSocket: authenticate, parse, rate-limit, dispatch in order,
 * and notice at once when a party goes away (close) or goes silent (heartbeat).
 */
export function registerWsEndpoint(app: FastifyInstance, ctx: WsContext, limits: WsLimits): WsEndpoint {
  const connections = new Set<Connection & { openedAt: number }>();
  let nextId = 1;

  // Upgrades are taken straight from the HTTP server rather than routed through
  // Fastify: a routed upgrade keeps its request and reply objects alive for the
  // connection's whole life, which at 10,000 idle connections is memory for nothing.
  // Frames over the protocol cap still get a typed `too_large` reply; only absurd ones close the socket.
  const wss = new WebSocketServer({ noServer: true, maxPayload: 16 * MAX_FRAME_BYTES });
  app.server.on("upgrade", (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (new URL(request.url ?? "/", "http://x").pathname !== "/ws") {
      socket.end("HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n");
      return;
    }
    if (ctx.memory.overLimit) {
      socket.end("HTTP/1.1 503 Service Unavailable\r\nRetry-After: 5\r\nConnection: close\r\n\r\n");
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => accept(ws, request));
  });

  function accept(socket: WebSocket, request: IncomingMessage) {
    const now = performance.now();
    const connection: Connection & { openedAt: number } = {
      id: nextId++,
      socket,
      address: requestAddress(request, limits.trustedProxies),
      rate: createRateBucket(limits.messagesPerSecond, limits.messageBurst),
      identity: null,
      nonce: ctx.devices.newNonce(),
      device: null,
      session: null,
      lastSeen: now,
      openedAt: now,
      inFlight: null,
    };
    connections.add(connection);
    send(connection, { type: "challenge", nonce: connection.nonce });
    const header = request.headers.authorization;
    const upgrade = { bearerToken: header?.startsWith("Bearer ") ? header.slice(7) : undefined, cookie: request.headers.cookie, origin: request.headers.origin };

    let refusedSincePass = 0;
    let floodWindowStart = -Infinity;
    let refusedInWindow = 0;
    socket.on("message", (data: Buffer, isBinary: boolean) => {
      const now = (connection.lastSeen = performance.now());
      const waitMs = connection.rate.take(now);
      if (waitMs > 0) {
        // One typed answer per run of refusals, not one per frame (answers a flooder never reads would pile up); a flood that goes on is closed.
        if (now - floodWindowStart > FLOOD_WINDOW_MS) [floodWindowStart, refusedInWindow] = [now, 0];
        refusedInWindow++;
        if (++refusedSincePass === 1) send(connection, { type: "error", reqId: reqIdOf(data), code: "rate_limited", message: "too many messages", retryAfterMs: waitMs });
        if (refusedInWindow === FLOOD_CLOSE_AFTER) closeMisbehaving(connection, CLOSE_FLOODING, `flooding: ${FLOOD_CLOSE_AFTER} messages over the rate limit in ${FLOOD_WINDOW_MS / 1000} s`);
        return;
      }
      refusedSincePass = 0;
      // Most messages (signals, heartbeats) finish at once: handled right away when nothing of this connection is
      // still in flight (no promise, no tick later), queued behind the one that is otherwise.
      const pending = connection.inFlight ? connection.inFlight.then(() => handleFrame(data, isBinary)) : handleFrame(data, isBinary);
      if (pending) {
        const tail: Promise<void> = pending.then(() => {
          if (connection.inFlight === tail) connection.inFlight = null;
        });
        connection.inFlight = tail;
      }
    });

    /** Parses and handles one frame; answers its refusal. A promise only while a handler still works on it. */
    function handleFrame(data: Buffer, isBinary: boolean): Promise<void> | undefined {
      let reqId: string | undefined;
      try {
        const msg = parseFrame(data, isBinary);
        reqId = msg.reqId;
        return dispatch(ctx, connection, msg, upgrade)?.catch((error: unknown) => reply(connection, error, reqId, app));
      } catch (error) {
        reply(connection, error, reqId ?? reqIdOf(data), app);
        return undefined;
      }
    }

    socket.on("close", () => {
      connections.delete(connection);
      ctx.hub.deviceGone(connection);
      const session = connection.session;
      if (session && ctx.hub.detach(connection)) {
        ctx.sessions.partyLeft(session.id, session.role).catch((error: unknown) => app.log.error(error, "partyLeft failed"));
      }
    });
    socket.on("error", (error) => app.log.warn({ err: error, connection: connection.id }, "websocket error"));
  }

  // Silent loss (no FIN, e.g. a laptop lid or a dead network) shows only as missing heartbeats.
  const sweep = setInterval(
    () => {
      const now = performance.now();
      for (const connection of connections) {
        const silent = now - connection.lastSeen > ctx.heartbeatTimeoutMs;
        const neverAuthenticated = !connection.identity && now - connection.openedAt > limits.helloTimeoutMs;
        if (silent || neverAuthenticated) connection.socket.terminate();
      }
    },
    Math.min(250, ctx.heartbeatTimeoutMs / 4),
  );
  sweep.unref();

  return {
    get connectionCount() {
      return connections.size;
    },
    close() {
      clearInterval(sweep);
      for (const connection of connections) connection.socket.terminate();
      wss.close();
    },
  };
}

function reply(connection: Connection, error: unknown, reqId: string | undefined, app: FastifyInstance) {
  if (error instanceof ProtocolError) {
    send(connection, { type: "error", reqId, code: error.code, message: error.message, ...(error.retryAfterMs ? { retryAfterMs: error.retryAfterMs } : {}) });
    return;
  }
  if (isStoreUnreachable(error)) {
    app.log.warn({ err: error, connection: connection.id }, "database unreachable");
    send(connection, { type: "error", reqId, code: "unavailable", message: "Tandem cannot reach its database right now; nothing was changed, try again in a moment" });
    return;
  }
  app.log.error({ err: error, connection: connection.id }, "message handler failed");
  send(connection, { type: "error", reqId, code: "internal", message: "the broker could not handle this message" });
}
