import { type ClientMessage, MAX_ICE_CHARS, MAX_MLINE_INDEX, MAX_REQ_ID_CHARS, MAX_SDP_CHARS, MAX_SDP_MID_CHARS, MAX_UFRAG_CHARS } from "../../protocol/index.js";

type Signal = Extract<ClientMessage, { type: "signal.offer" | "signal.answer" | "signal.ice" }>;
type Candidate = Extract<Signal, { type: "signal.ice" }>["candidate"];

/**
 * The signaling messages checked by hand: the broker's busiest path (a pair of
 * peers gathering candidates sends dozens a second), where the protocol's zod
 * union allocated a kilobyte and took a tenth of the relay's time. This only
 * ever *accepts*: a message it does not find well-formed goes on to the schema,
 * which decides and words the refusal. So it may be stricter than the schema,
 * never looser, and what it returns is what the schema would (known keys only,
 * in the schema's order) — `signal-frames.test.ts` holds it to both.
 */
export function acceptSignal(json: unknown): Signal | undefined {
  if (typeof json !== "object" || json === null) return undefined;
  const m = json as Record<string, unknown>;
  const type = m.type;
  if (type !== "signal.ice" && type !== "signal.offer" && type !== "signal.answer") return undefined;
  const { reqId, sessionId } = m;
  if (reqId !== undefined && !(typeof reqId === "string" && reqId.length >= 1 && reqId.length <= MAX_REQ_ID_CHARS)) return undefined;
  if (typeof sessionId !== "string" || !UUID.test(sessionId)) return undefined;
  if (type !== "signal.ice") {
    const sdp = m.sdp;
    if (typeof sdp !== "string" || sdp.length < 1 || sdp.length > MAX_SDP_CHARS) return undefined;
    return reqId === undefined ? { type, sessionId, sdp } : { type, reqId, sessionId, sdp };
  }
  if (!("candidate" in m)) return undefined;
  const candidate = acceptCandidate(m.candidate);
  if (candidate === undefined) return undefined;
  return reqId === undefined ? { type, sessionId, candidate } : { type, reqId, sessionId, candidate };
}

/** zod's `uuid()`: RFC 9562 versions 1–8 with the variant bits, or the nil and max ids. */
const UUID = /^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-8][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}|00000000-0000-0000-0000-000000000000|ffffffff-ffff-ffff-ffff-ffffffffffff)$/;

function acceptCandidate(value: unknown): Candidate | undefined {
  if (value === null) return null;
  if (typeof value !== "object" || Array.isArray(value)) return undefined;
  const c = value as Record<string, unknown>;
  if (typeof c.candidate !== "string" || c.candidate.length > MAX_ICE_CHARS) return undefined;
  const out: NonNullable<Candidate> = { candidate: c.candidate };
  if ("sdpMid" in c) {
    if (!(c.sdpMid === null || (typeof c.sdpMid === "string" && c.sdpMid.length <= MAX_SDP_MID_CHARS))) return undefined;
    out.sdpMid = c.sdpMid;
  }
  if ("sdpMLineIndex" in c) {
    const i = c.sdpMLineIndex;
    if (!(i === null || (typeof i === "number" && Number.isInteger(i) && i >= 0 && i <= MAX_MLINE_INDEX))) return undefined;
    out.sdpMLineIndex = i;
  }
  if ("usernameFragment" in c) {
    if (!(c.usernameFragment === null || (typeof c.usernameFragment === "string" && c.usernameFragment.length <= MAX_UFRAG_CHARS))) return undefined;
    out.usernameFragment = c.usernameFragment;
  }
  return out;
}
