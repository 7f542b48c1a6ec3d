import { performance } from "node:perf_hooks";
import type { FastifyInstance } from "fastify";
import type {} from "@fastify/websocket"; // adds the `websocket` route option
import type { WebSocket } from "ws";
import { ProtocolError } from "../protocol-error.js";
import { type Connection, send } from "./connection.js";
import type { WsContext } from "./context.js";
import { dispatch } from "./dispatch.js";
import { reqIdOf, parseFrame } from "./frames.js";
import { createRateBucket } from "./message-rate.js";

export interface WsLimits {
  messagesPerSecond: number;
  messageBurst: number;
  helloTimeoutMs: number;
}

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

  app.get("/ws", { websocket: true }, (socket: WebSocket, request) => {
    const now = performance.now();
    const connection: Connection & { openedAt: number } = {
      id: nextId++,
      socket,
      address: request.ip,
      rate: createRateBucket(limits.messagesPerSecond, limits.messageBurst),
      identity: null,
      session: null,
      lastSeen: now,
      openedAt: now,
      queue: Promise.resolve(),
    };
    connections.add(connection);
    const header = request.headers.authorization;
    const headerToken = header?.startsWith("Bearer ") ? header.slice(7) : undefined;

    socket.on("message", (data: Buffer, isBinary: boolean) => {
      connection.lastSeen = performance.now();
      const waitMs = connection.rate.take(connection.lastSeen);
      if (waitMs > 0) {
        send(connection, { type: "error", reqId: reqIdOf(data), code: "rate_limited", message: "too many messages", retryAfterMs: waitMs });
        return;
      }
      let reqId: string | undefined;
      connection.queue = connection.queue.then(async () => {
        try {
          const msg = parseFrame(data, isBinary);
          reqId = msg.reqId;
          await dispatch(ctx, connection, msg, headerToken);
        } catch (error) {
          reply(connection, error, reqId ?? reqIdOf(data), app);
        }
      });
    });

    socket.on("close", () => {
      connections.delete(connection);
      const session = connection.session;
      if (session && ctx.hub.detach(connection)) {
        ctx.sessions.partyLeft(session.id, session.role).catch((error: unknown) => app.log.error(error, "partyLeft failed"));
      }
    });
    socket.on("error", (error) => app.log.warn({ err: error, connection: connection.id }, "websocket error"));
  });

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
    },
  };
}

function reply(connection: Connection, error: unknown, reqId: string | undefined, app: FastifyInstance) {
  if (error instanceof ProtocolError) {
    send(connection, { type: "error", reqId, code: error.code, message: error.message, ...(error.retryAfterMs ? { retryAfterMs: error.retryAfterMs } : {}) });
    return;
  }
  app.log.error({ err: error, connection: connection.id }, "message handler failed");
  send(connection, { type: "error", reqId, code: "internal", message: "the broker could not handle this message" });
}
