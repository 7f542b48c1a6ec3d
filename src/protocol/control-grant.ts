import { z } from "zod";
import { Party } from "./messages.js";
import { Level } from "./session-machine.js";

/**
 * What the broker signs when a helper asks a sharer for control (ES256, the
 * broker's own key, public at CONTROL_GRANT_KEYS_PATH): this session, this
 * sharer, this helper, this level, until `exp`. The desktop app verifies it
 * before its own consent prompt shows the helper, so a page can only ask the
 * sharer about a request the broker really holds.
 */
export const CONTROL_GRANT_AUDIENCE = "tandem-desktop";
export const CONTROL_GRANT_KEYS_PATH = "/.well-known/tandem-control-grant-keys";
/** Long enough for a person to read the prompt and decide; a grant is only ever used once. */
export const CONTROL_GRANT_TTL_SECONDS = 120;

export const ControlGrantClaims = z.object({
  sid: z.string().uuid(),
  /** The sharer's user id. */
  sub: z.string().min(1),
  tid: z.string().min(1),
  lvl: Level,
  helper: Party,
  iat: z.number().int(),
  exp: z.number().int(),
  jti: z.string().min(1),
});
export type ControlGrantClaims = z.infer<typeof ControlGrantClaims>;
