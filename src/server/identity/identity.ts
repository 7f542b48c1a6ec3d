import type { Party } from "../../protocol/index.js";

/** Who is on the other end of a connection, as the token says; never as the client says. */
export interface Identity {
  userId: string;
  name: string;
  tenantId: string;
  /** The verified profile shown to the other party. */
  profile: Party;
  groups: string[];
  /** Authentication methods, e.g. ["pwd", "otp", "mfa"]. */
  amr: string[];
}

export class AuthError extends Error {
  override name = "AuthError";
}
