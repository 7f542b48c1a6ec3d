import type { ErrorCode } from "../protocol/index.js";

/** A refusal the client is told about as `{type:"error", code, message}`. */
export class ProtocolError extends Error {
  override name = "ProtocolError";
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}
