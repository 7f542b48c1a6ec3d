import type { PartyRole } from "../../../protocol/index.js";
import type { Identity } from "../../identity/identity.js";
import { ProtocolError } from "../../protocol-error.js";
import type { Connection } from "../connection.js";

/**
 * The session a message may act on is the one this connection holds; the
 * sessionId in the message must name it, so nobody can address a session by id.
 */
export function requireSession(connection: Connection, sessionId: string): { id: string; role: PartyRole } {
  if (!connection.session) throw new ProtocolError("not_in_session", "this connection is not in a session");
  if (connection.session.id !== sessionId) throw new ProtocolError("forbidden", "you are not a party of that session");
  return connection.session;
}

export function requireIdentity(connection: Connection): Identity {
  if (!connection.identity) throw new ProtocolError("unauthenticated", "send hello with a valid token first");
  return connection.identity;
}

export function requireNoSession(connection: Connection): void {
  if (connection.session) throw new ProtocolError("busy", "this connection already takes part in a session; end it first");
}
