import { z } from "zod";
import { EndReason, ErrorCode } from "./errors.js";
import { MAX_CHAT_CHARS, MAX_ICE_CHARS, MAX_MLINE_INDEX, MAX_REQ_ID_CHARS, MAX_SDP_CHARS, MAX_SDP_MID_CHARS, MAX_UFRAG_CHARS } from "./limits.js";
import { Level, PartyRole, SessionStatus } from "./session-machine.js";
import { Tool, ToolOutcome, ToolUse, ToolUseKind } from "./tools.js";

/**
 * Every message on the broker WebSocket, one discriminated union per direction.
 * `reqId` is the client's own correlation id, echoed in the answer or error.
 */
export const ReqId = z.string().min(1).max(MAX_REQ_ID_CHARS);
const reqId = ReqId.optional();
const sessionId = z.string().uuid();
const codePoints = (max: number) =>
  z.string().refine((s) => [...s].length <= max, { message: `at most ${max} characters` });

export const IceCandidate = z.object({
  candidate: z.string().max(MAX_ICE_CHARS),
  sdpMid: z.string().max(MAX_SDP_MID_CHARS).nullable().optional(),
  sdpMLineIndex: z.number().int().min(0).max(MAX_MLINE_INDEX).nullable().optional(),
  usernameFragment: z.string().max(MAX_UFRAG_CHARS).nullable().optional(),
});
export type IceCandidate = z.infer<typeof IceCandidate>;

/** A device's public key (EC P-256); its JWK thumbprint is the device id. */
export const DevicePublicKey = z.object({ kty: z.literal("EC"), crv: z.literal("P-256"), x: z.string().min(40).max(64), y: z.string().min(40).max(64) });
export type DevicePublicKey = z.infer<typeof DevicePublicKey>;

export const Platform = z.enum(["macos", "windows", "linux"]);
const version = z.string().regex(/^\d+(\.\d+){0,3}$/).max(32);

/** What a device reports about itself; checked against the tenant's compliance rules. */
export const DeviceFacts = z.object({ platform: Platform, osVersion: version, appVersion: version });

/** Proof that the connection holds the device's private key: an ES256 signature of deviceProofText(...). */
export const DeviceProof = z.object({ deviceId: z.string().min(43).max(43), signature: z.string().min(64).max(200) });

export function deviceProofText(nonce: string, deviceId: string, userId: string): string {
  return `tandem-device-proof/v1|${nonce}|${deviceId}|${userId}`;
}

/** The device as the helper sees it before asking for a level. */
export const DeviceView = z.object({
  deviceId: z.string(),
  name: z.string(),
  platform: Platform,
  osVersion: z.string(),
  appVersion: z.string(),
  enrolled: z.boolean(),
  compliant: z.boolean(),
  reasons: z.array(z.string()),
});
export type DeviceView = z.infer<typeof DeviceView>;

/**
 * `notified`: the app on the device shows the offer; `offline`: no app of that device is connected;
 * `declined`: the person chose Not now; `not_sent`: too many offers from this helper or to this device just now.
 */
export const OfferStatus = z.enum(["notified", "offline", "declined", "not_sent"]);
export type OfferStatus = z.infer<typeof OfferStatus>;

/** The device a session was created for, as the broker recorded it. */
export const TargetDevice = z.object({ deviceId: z.string(), name: z.string() });
export type TargetDevice = z.infer<typeof TargetDevice>;

// ---- client → broker -------------------------------------------------------

/** Why a sharer's screen could not be captured, as a person would say it (from the browser's DOMException name). */
export const CaptureFailure = z.enum(["cancelled", "not_readable", "no_source", "other"]);
export type CaptureFailure = z.infer<typeof CaptureFailure>;

export function captureFailureOf(error: unknown): CaptureFailure {
  const name = (error as { name?: unknown })?.name;
  return name === "NotAllowedError" || name === "AbortError" ? "cancelled" : name === "NotReadableError" ? "not_readable" : name === "NotFoundError" ? "no_source" : "other";
}

export const ClientMessage = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("hello"),
    reqId,
    protocol: z.number().int(),
    token: z.string().max(16384).optional(),
    /** The desktop app proves its device on every connection, and reports what may have changed. */
    device: DeviceProof.extend({ facts: DeviceFacts.optional() }).optional(),
  }),
  z.object({
    type: z.literal("device.register"),
    reqId,
    name: z.string().min(1).max(100),
    publicKey: DevicePublicKey,
    facts: DeviceFacts,
    /** From the MDM-deployed configuration; without it the device registers as unenrolled. */
    enrollmentToken: z.string().min(16).max(200).optional(),
    signature: z.string().min(64).max(200),
  }),
  z.object({ type: z.literal("heartbeat"), reqId }),
  /** `deviceId`: the device of the helper's tenant this session is for (Help on a device); the broker checks the helper may help it. */
  z.object({ type: z.literal("session.create"), reqId, deviceId: z.string().min(1).max(128).regex(/^[\w-]+$/).optional() }),
  z.object({ type: z.literal("session.join"), reqId, code: z.string().min(1).max(32) }),
  z.object({ type: z.literal("session.resume"), reqId, sessionId, resumeToken: z.string().min(16).max(128) }),
  z.object({ type: z.literal("session.request"), reqId, sessionId, level: Level }),
  z.object({ type: z.literal("session.consent"), reqId, sessionId, allow: z.boolean() }),
  z.object({ type: z.literal("session.downgrade"), reqId, sessionId }),
  z.object({ type: z.literal("session.pause"), reqId, sessionId, paused: z.boolean() }),
  z.object({ type: z.literal("session.end"), reqId, sessionId }),
  /** The sharer's screen could not be captured (picker closed, source would not start): the helper is told why; the request stays open. */
  z.object({ type: z.literal("session.capture_failed"), reqId, sessionId, reason: CaptureFailure }),
  /** The sharer's app says Not now to a helper's offer (only from the device the session was made for). */
  z.object({ type: z.literal("session.decline_offer"), reqId, sessionId }),
  /** The sharer turns drawing, the clipboard or files off (or on again) for this session. */
  z.object({ type: z.literal("session.tool"), reqId, sessionId, tool: Tool, on: z.boolean() }),
  /** Announces a use of the clipboard or a file offer before anything is sent; the broker refuses or audits it and tells the other side. */
  z.object({ type: z.literal("tool.use"), reqId, sessionId, useId: z.string().uuid(), use: ToolUse }),
  /** What became of a use: the side it was for answers (either side may cancel a file); `chars` is the length of clipboard text read. */
  z.object({ type: z.literal("tool.answer"), reqId, sessionId, useId: z.string().uuid(), kind: ToolUseKind, outcome: ToolOutcome, chars: z.number().int().min(0).max(1_000_000).optional() }),
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

/** ICE servers for the session's RTCPeerConnection: STUN, and TURN with short-lived credentials. */
export const IceConfig = z.object({
  iceServers: z.array(z.object({ urls: z.array(z.string()), username: z.string().optional(), credential: z.string().optional() })),
  /** "relay" when the tenant keeps sharers' addresses private: only TURN candidates. */
  iceTransportPolicy: z.enum(["all", "relay"]),
});
export type IceConfig = z.infer<typeof IceConfig>;

export const SessionView = z.object({
  sessionId,
  status: SessionStatus,
  level: Level.nullable(),
  requestedLevel: Level.nullable(),
  paused: z.boolean(),
  endReason: EndReason.nullable(),
  /** What the helper's role and the tenant allow besides the level (set when a level is asked). */
  tools: z.array(Tool),
  /** What the sharer turned off. */
  toolsOff: z.array(Tool),
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
    /** The proven device of this connection, if any. */
    device: z.object({ deviceId: z.string(), enrolled: z.boolean() }).nullable(),
  }),
  z.object({ type: z.literal("heartbeat"), reqId, at: z.number().int() }),
  /** Sent on connect: the nonce a device signs to prove itself on this connection. */
  z.object({ type: z.literal("challenge"), nonce: z.string() }),
  z.object({ type: z.literal("device.registered"), reqId, deviceId: z.string(), enrolled: z.boolean() }),
  z.object({
    type: z.literal("session.created"),
    reqId,
    session: SessionView,
    code: z.string(),
    link: z.string(),
    expiresAt: z.number().int(),
    resumeToken: z.string(),
    ice: IceConfig,
    targetDevice: TargetDevice.nullable(),
  }),
  z.object({
    type: z.literal("session.joined"),
    reqId,
    role: PartyRole,
    session: SessionView,
    peer: Party.nullable(),
    resumeToken: z.string(),
    ice: IceConfig,
    chat: z.array(ChatMessage),
    /** For the helper: the sharer's device as it was when they joined. */
    peerDevice: DeviceView.nullable(),
    /** For the helper: the device the session was created for, and whether the sharer joined from another one (or the web page). */
    targetDevice: TargetDevice.nullable(),
    otherDevice: z.boolean(),
  }),
  /** To the helper when the sharer joins; `otherDevice` from the broker's records, before any level is asked. */
  z.object({ type: z.literal("session.peer_joined"), session: SessionView, peer: Party, device: DeviceView.nullable(), targetDevice: TargetDevice.nullable(), otherDevice: z.boolean() }),
  z.object({ type: z.literal("session.state"), reqId, session: SessionView }),
  /** To the sharer when the helper asks for control: the broker's signed offer, which the desktop app checks before its own prompt. */
  z.object({ type: z.literal("session.control_grant"), sessionId, grant: z.string().min(1).max(8192) }),
  z.object({ type: z.literal("session.capture_failed"), sessionId, reason: CaptureFailure }),
  /**
   * To a signed-in desktop app on the device a helper made a session for: who wants to help, and the
   * session's code, so Join enters it as if the code had been typed.
   */
  z.object({ type: z.literal("session.offer"), sessionId, code: z.string(), helper: Party, expiresAt: z.number().int() }),
  /** To the helper: what became of the offer on the device (the code stays valid either way). */
  z.object({ type: z.literal("session.offer_status"), reqId, sessionId, status: OfferStatus }),
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
  /** To the other party: a use the broker allowed and audited; the bytes follow peer to peer. */
  z.object({ type: z.literal("tool.used"), sessionId, useId: z.string(), from: PartyRole, use: ToolUse }),
  z.object({ type: z.literal("tool.answered"), sessionId, useId: z.string(), from: PartyRole, outcome: ToolOutcome, chars: z.number().int().optional() }),
  /** The broker took a `tool.use` or `tool.answer`. */
  z.object({ type: z.literal("tool.ack"), reqId, sessionId, useId: z.string() }),
  z.object({ type: z.literal("chat.ack"), reqId, sessionId, clientMsgId: z.string(), seq: z.number().int(), at: z.number().int() }),
  z.object({ type: z.literal("chat.message"), sessionId, message: ChatMessage }),
  /** One page, oldest first; `more` when messages after the last one remain (ask again with its seq as afterSeq). */
  z.object({ type: z.literal("chat.history"), reqId, sessionId, messages: z.array(ChatMessage), more: z.boolean() }),
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
