import { z } from "zod";

/** Every error the broker can answer with. User-facing text is keyed by these. */
export const ErrorCode = z.enum([
  "bad_message", // not JSON, unknown type, or fields of the wrong shape
  "too_large", // frame over MAX_FRAME_BYTES
  "rate_limited", // too many messages or code attempts; see retryAfterMs
  "version_mismatch", // hello carried another protocol version
  "unauthenticated", // no hello yet, or the token failed verification
  "forbidden", // authenticated, but not allowed to do this
  "policy_blocked", // a tenant setting or conditional access policy refuses it; the message names it
  "code_invalid", // no session has this code
  "code_expired",
  "code_used",
  "code_cancelled", // the helper ended the session before anyone joined
  "not_in_session", // the connection has no session to act on
  "busy", // the connection already takes part in a session
  "not_found", // (HTTP API) nothing of that id in your organisation
  "conflict", // (HTTP API) the change contradicts existing data, e.g. deleting a role still assigned
  "invalid_transition", // the session's state does not allow this now
  "resume_failed", // resume token unknown, wrong user, or grace over
  "unavailable", // the broker cannot reach its database right now; nothing was done, try again
  "internal",
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const EndReason = z.enum([
  "helper_ended",
  "sharer_ended",
  "sharer_declined",
  "code_expired",
  /** The helper ended the session before anyone joined: the code was cancelled, nobody was helped. */
  "code_cancelled",
  "helper_disconnected",
  "sharer_disconnected",
  "revoked",
  "policy_blocked",
]);
export type EndReason = z.infer<typeof EndReason>;
