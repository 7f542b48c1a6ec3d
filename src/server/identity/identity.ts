/** Who is on the other end of a connection, as the token says; never as the client says. */
export interface Identity {
  userId: string;
  name: string;
  tenantId: string;
}

export class AuthError extends Error {
  override name = "AuthError";
}
