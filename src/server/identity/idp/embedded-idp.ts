import type { Clock } from "../../clock.js";
import type { IdpRecordStore } from "../../store/store.js";
import { loadDirectory, type Directory, type DirectoryUser } from "../directory.js";
import { storeAdapterFactory } from "./store-adapter.js";
import { createTokenVerifier, type TokenVerifier } from "../token-verifier.js";
import { loadOrCreateIdpKeys, publicJwks } from "./idp-keys.js";
import { createPhotoLinks } from "./photo-links.js";
import type { Lock, SignInThrottle } from "./sign-in-throttle.js";
import type { AttemptLimiter } from "../../limits/attempt-limiter.js";
import type { IncomingMessage } from "node:http";
import { createIdpHandler, IDP_PREFIX } from "./mount.js";
import { API_AUDIENCE, createProvider } from "./provider.js";

/** The embedded IdP, ready to serve /idp and to verify the tokens it issues. */
export interface EmbeddedIdp {
  issuer: string;
  directory: Directory;
  consoleClientSecret: string;
  handle: ReturnType<typeof createIdpHandler>;
  verifier: TokenVerifier;
}

export async function startEmbeddedIdp(o: {
  publicOrigin: string;
  dataDir: string;
  directoryFile: string;
  behindProxy: boolean;
  accessTokenTtlSeconds: number;
  records: IdpRecordStore;
  clock: Clock;
  /** The client's address of a sign-in request (trusted proxies applied). */
  addressOf(req: IncomingMessage): string;
  /** Failed sign-ins per account and address (in process, or shared through Redis). */
  throttle: SignInThrottle;
  /** Sign-ins started per address: each leaves an interaction row until it expires. */
  signInStarts: AttemptLimiter;
  /** A sign-in lock started: the broker audits it. */
  onLock(lock: Lock, user: DirectoryUser | undefined, address: string): void;
}): Promise<EmbeddedIdp> {
  const issuer = `${o.publicOrigin}${IDP_PREFIX}`;
  const directory = loadDirectory(o.directoryFile);
  const keys = await loadOrCreateIdpKeys(o.dataDir);
  const photos = createPhotoLinks(keys.cookieKeys[0]!);
  const provider = createProvider({
    issuer,
    publicOrigin: o.publicOrigin,
    directory,
    keys,
    photos,
    behindProxy: o.behindProxy,
    accessTokenTtlSeconds: o.accessTokenTtlSeconds,
    adapter: storeAdapterFactory(o.records, o.clock),
  });
  return {
    issuer,
    directory,
    consoleClientSecret: keys.consoleClientSecret,
    handle: createIdpHandler(provider, directory, photos, { throttle: o.throttle, signInStarts: o.signInStarts, addressOf: o.addressOf, onLock: o.onLock }),
    // The same verification as for any external IdP, with the key set held in process.
    verifier: createTokenVerifier({ issuer, audience: API_AUDIENCE, keys: { jwks: publicJwks(keys) as never } }),
  };
}
