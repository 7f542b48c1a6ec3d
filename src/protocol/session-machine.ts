import { z } from "zod";
import type { EndReason } from "./errors.js";

/**
 * The session state machine of DESIGN.md as a pure function. The broker owns
 * the state; clients only render it. Who may cause an event is part of the
 * machine, so the rule lives in one place and is tested as a table.
 */
export const Level = z.enum(["view", "control"]);
export type Level = z.infer<typeof Level>;

export const SessionStatus = z.enum(["created", "joined", "requested", "active", "ended"]);
export type SessionStatus = z.infer<typeof SessionStatus>;

export const PartyRole = z.enum(["helper", "sharer"]);
export type PartyRole = z.infer<typeof PartyRole>;

export type Actor = PartyRole | "system";

export interface SessionState {
  status: SessionStatus;
  /** The level the sharer has granted; null until first consent. */
  level: Level | null;
  /** The level waiting for the sharer's answer while status is `requested`. */
  requestedLevel: Level | null;
  /** The sharer paused the stream and input; only meaningful while active. */
  paused: boolean;
  endReason: EndReason | null;
}

export type SessionEvent =
  | { type: "redeem"; by: Actor }
  | { type: "expire"; by: Actor }
  | { type: "request"; by: Actor; level: Level }
  | { type: "allow"; by: Actor }
  | { type: "deny"; by: Actor }
  | { type: "downgrade"; by: Actor }
  | { type: "pause"; by: Actor; paused: boolean }
  | { type: "end"; by: Actor; reason: EndReason };

export interface TransitionError {
  error: "invalid_transition" | "forbidden";
  message: string;
}

export const initialSessionState: SessionState = {
  status: "created",
  level: null,
  requestedLevel: null,
  paused: false,
  endReason: null,
};

const LEVEL_RANK: Record<Level, number> = { view: 1, control: 2 };

/** End reasons each actor may give; the rest are the broker's to decide. */
const END_REASONS_BY_ACTOR: Record<Actor, readonly EndReason[]> = {
  helper: ["helper_ended"],
  sharer: ["sharer_ended"],
  system: ["code_expired", "helper_disconnected", "sharer_disconnected", "revoked", "policy_blocked"],
};

const REQUIRED_ACTOR: Record<Exclude<SessionEvent["type"], "end">, Actor> = {
  redeem: "sharer",
  expire: "system",
  request: "helper",
  allow: "sharer",
  deny: "sharer",
  downgrade: "sharer",
  pause: "sharer",
};

export function isTransitionError(result: SessionState | TransitionError): result is TransitionError {
  return "error" in result;
}

export function transition(state: SessionState, event: SessionEvent): SessionState | TransitionError {
  if (event.type === "end") {
    if (!END_REASONS_BY_ACTOR[event.by].includes(event.reason)) {
      return forbidden(`${event.by} cannot end a session with reason ${event.reason}`);
    }
  } else if (REQUIRED_ACTOR[event.type] !== event.by) {
    return forbidden(`only the ${REQUIRED_ACTOR[event.type]} can ${event.type}`);
  }
  if (state.status === "ended") return invalid(`the session has ended (${state.endReason})`);

  switch (event.type) {
    case "redeem":
      return state.status === "created" ? { ...state, status: "joined" } : invalid("the code was already redeemed");
    case "expire":
      return state.status === "created" ? ended(state, "code_expired") : invalid("only an unredeemed code expires");
    case "request":
      return request(state, event.level);
    case "allow":
      return state.status === "requested"
        ? { ...state, status: "active", level: state.requestedLevel, requestedLevel: null, paused: false }
        : invalid("nothing is waiting for consent");
    case "deny":
      if (state.status !== "requested") return invalid("nothing is waiting for consent");
      // Declining a raise keeps the level already granted; declining the first request ends the session.
      return state.level === null
        ? ended(state, "sharer_declined")
        : { ...state, status: "active", requestedLevel: null };
    case "downgrade":
      return state.status === "active" && state.level === "control"
        ? { ...state, level: "view" }
        : invalid("only an active full-control session can drop to view");
    case "pause":
      return state.status === "active" ? { ...state, paused: event.paused } : invalid("only an active session can pause");
    case "end":
      // A helper ending a session nobody joined cancels its code: no help was given (Reports leave it out).
      return ended(state, event.reason === "helper_ended" && state.status === "created" ? "code_cancelled" : event.reason);
    default: {
      const unhandled: never = event;
      return invalid(`unknown event ${JSON.stringify(unhandled)}`);
    }
  }
}

function request(state: SessionState, level: Level): SessionState | TransitionError {
  if (state.status === "joined") return { ...state, status: "requested", requestedLevel: level };
  if (state.status === "active" && state.level !== null && LEVEL_RANK[level] > LEVEL_RANK[state.level]) {
    return { ...state, status: "requested", requestedLevel: level };
  }
  if (state.status === "active") return invalid(`the session already has ${state.level}`);
  return invalid(`cannot request a level while ${state.status}`);
}

function ended(state: SessionState, reason: EndReason): SessionState {
  return { ...state, status: "ended", requestedLevel: null, paused: false, endReason: reason };
}

function invalid(message: string): TransitionError {
  return { error: "invalid_transition", message };
}

function forbidden(message: string): TransitionError {
  return { error: "forbidden", message };
}

/** Signaling flows only while the sharer is being asked or has consented. */
export function canRelaySignal(state: SessionState): boolean {
  return state.status === "requested" || state.status === "active";
}

/** Chat needs both parties present in a live session. */
export function canChat(state: SessionState): boolean {
  return state.status === "joined" || state.status === "requested" || state.status === "active";
}
