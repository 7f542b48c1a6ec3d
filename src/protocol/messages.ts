import { z } from "zod";
import { EndReason, ErrorCode } from "./errors.js";
import { MAX_CHAT_CHARS, MAX_ICE_CHARS, MAX_SDP_CHARS } from "./limits.js";
import { Level, PartyRole, SessionStatus } from "./session-machine.js";

/**
 * Every message on the broker WebSocket, one discriminated union per direction.
 * `reqId` is the client's own correlation id, echoed in the answer or error.
 */
export const ReqId = z.string().min(1).max(64);
const reqId = ReqId.optional();
const sessionId = z.string().uuid();
const codePoints = (max: number) =>
  z.string().refine((s) => [...s].length <= max, { message: `at most ${max} characters` });

export const IceCandidate = z.object({
  candidate: z.string().max(MAX_ICE_CHARS),
  sdpMid: z.string().max(64).nullable().optional(),
  sdpMLineIndex: z.number().int().min(0).max(64).nullable().optional(),
  usernameFragment: z.string().max(256).nullable().optional(),
});
export type IceCandidate = z.infer<typeof IceCandidate>;

// ---- client → broker -------------------------------------------------------

export const ClientMessage = z.discriminatedUnion("type", [
  z.object({ type: z.literal("hello"), reqId, protocol: z.number().int(), token: z.string().max(16384).optional() }),
  z.object({ type: z.literal("heartbeat"), reqId }),
  z.object({ type: z.literal("session.create"), reqId }),
  z.object({ type: z.literal("session.join"), reqId, code: z.string().min(1).max(32) }),
  z.object({ type: z.literal("session.resume"), reqId, sessionId, resumeToken: z.string().min(16).max(128) }),
  z.object({ type: z.literal("session.request"), reqId, sessionId, level: Level }),
  z.object({ type: z.literal("session.consent"), reqId, sessionId, allow: z.boolean() }),
  z.object({ type: z.literal("session.downgrade"), reqId, sessionId }),
  z.object({ type: z.literal("session.pause"), reqId, sessionId, paused: z.boolean() }),
  z.object({ type: z.literal("session.end"), reqId, sessionId }),
  z.object({ type: z.literal("signal.offer"), reqId, sessionId, sdp: z.string().min(1).max(MAX_SDP_CHARS) }),
  z.object({ type: z.literal("signal.answer"), reqId, sessionId, sdp: z.string().min(1).max(MAX_SDP_CHARS) }),
  z.object({ type: z.literal("signal.ice"), reqId, sessionId, candidate: IceCandidate.nullable() }),
  z.object({
    type: z.literal("chat.send"),
    reqId,
    sessionId,
    clientMsgId: z.string().min(1).max(64),
    text: codePoints(MAX_CHAT_CHARS).refine((s) => s.trim().length > 0, { message: "empty message" }),
  }),
  z.object({ type: z.literal("chat.history"), reqId, sessionId, afterSeq: z.number().int().min(0).optional() }),
]);
export type ClientMessage = z.infer<typeof ClientMessage>;
export type ClientMessageType = ClientMessage["type"];

// ---- broker → client -------------------------------------------------------

/** A party's verified profile, as the identity provider states it; shown on the trust screen. */
export const Party = z.object({
  userId: z.string(),
  name: z.string(),
  jobTitle: z.string(),
  company: z.string(),
  photoUrl: z.string().nullable(),
  verifiedDomain: z.string().nullable(),
  tenantName: z.string(),
});
export type Party = z.infer<typeof Party>;

export const ChatMessage = z.object({
  seq: z.number().int().min(1),
  from: PartyRole,
  senderName: z.string(),
  text: z.string(),
  at: z.number().int(),
});
export type ChatMessage = z.infer<typeof ChatMessage>;

export const SessionView = z.object({
  sessionId,
  status: SessionStatus,
  level: Level.nullable(),
  requestedLevel: Level.nullable(),
  paused: z.boolean(),
  endReason: EndReason.nullable(),
});
export type SessionView = z.infer<typeof SessionView>;

export const ServerMessage = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("welcome"),
    reqId,
    protocol: z.number().int(),
    user: Party,
    heartbeatIntervalMs: z.number().int(),
    heartbeatTimeoutMs: z.number().int(),
  }),
  z.object({ type: z.literal("heartbeat"), reqId, at: z.number().int() }),
  z.object({
    type: z.literal("session.created"),
    reqId,
    session: SessionView,
    code: z.string(),
    link: z.string(),
    expiresAt: z.number().int(),
    resumeToken: z.string(),
  }),
  z.object({
    type: z.literal("session.joined"),
    reqId,
    role: PartyRole,
    session: SessionView,
    peer: Party.nullable(),
    resumeToken: z.string(),
    chat: z.array(ChatMessage),
  }),
  z.object({ type: z.literal("session.peer_joined"), session: SessionView, peer: Party }),
  z.object({ type: z.literal("session.state"), reqId, session: SessionView }),
  z.object({
    type: z.literal("session.peer_presence"),
    sessionId,
    peer: PartyRole,
    status: z.enum(["disconnected", "reconnected"]),
    graceMs: z.number().int(),
  }),
  z.object({ type: z.literal("signal.offer"), sessionId, from: PartyRole, sdp: z.string() }),
  z.object({ type: z.literal("signal.answer"), sessionId, from: PartyRole, sdp: z.string() }),
  z.object({ type: z.literal("signal.ice"), sessionId, from: PartyRole, candidate: IceCandidate.nullable() }),
  z.object({ type: z.literal("chat.ack"), reqId, sessionId, clientMsgId: z.string(), seq: z.number().int(), at: z.number().int() }),
  z.object({ type: z.literal("chat.message"), sessionId, message: ChatMessage }),
  z.object({ type: z.literal("chat.history"), reqId, sessionId, messages: z.array(ChatMessage) }),
  z.object({
    type: z.literal("error"),
    reqId,
    code: ErrorCode,
    message: z.string(),
    retryAfterMs: z.number().int().optional(),
  }),
]);
export type ServerMessage = z.infer<typeof ServerMessage>;
export type ServerMessageOf<T extends ServerMessage["type"]> = Extract<ServerMessage, { type: T }>;
