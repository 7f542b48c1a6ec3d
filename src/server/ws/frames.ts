import { ClientMessage, MAX_FRAME_BYTES, ReqId } from "../../protocol/index.js";
import { ProtocolError } from "../protocol-error.js";
import { acceptSignal } from "./signal-frames.js";

/** Turns one raw WebSocket frame into a checked message, or a typed refusal. */
export function parseFrame(data: Buffer, isBinary: boolean): ClientMessage {
  if (data.byteLength > MAX_FRAME_BYTES) {
    throw new ProtocolError("too_large", `messages are limited to ${MAX_FRAME_BYTES} bytes; this one had ${data.byteLength}`);
  }
  if (isBinary) throw new ProtocolError("bad_message", "binary frames are not part of the protocol");
  let json: unknown;
  try {
    json = JSON.parse(data.toString("utf8"));
  } catch {
    throw new ProtocolError("bad_message", "the message is not JSON");
  }
  const signal = acceptSignal(json);
  if (signal) return signal;
  const parsed = ClientMessage.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? ` at ${issue.path.join(".")}` : "";
    throw new ProtocolError("bad_message", `the message does not match the protocol${where}: ${issue?.message ?? "invalid"}`);
  }
  return parsed.data;
}

/** Best effort: the client's reqId, so even a refused message can be correlated. */
export function reqIdOf(data: Buffer): string | undefined {
  if (data.byteLength > MAX_FRAME_BYTES) return undefined;
  try {
    const parsed = ReqId.safeParse((JSON.parse(data.toString("utf8")) as { reqId?: unknown } | null)?.reqId);
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
