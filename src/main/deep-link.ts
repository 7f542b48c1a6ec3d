import { normalizeCode } from "../protocol/index.js";

/**
 * The app is opened with a code from a help-desk link, `tandem://join?code=…`,
 * or from a script or shortcut, `--code …`. Anything else in the link is
 * ignored; a malformed code is an error the window shows, not a crash.
 */
export const PROTOCOL_SCHEME = "tandem";

export type LaunchRequest = { code: string } | { error: string } | null;

export function parseDeepLink(url: string): LaunchRequest {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { error: "That link is not a Tandem link." };
  }
  if (parsed.protocol !== `${PROTOCOL_SCHEME}:`) return { error: "That link is not a Tandem link." };
  // `tandem://join?code=…` parses with host "join"; `tandem:join?code=…` with pathname "join".
  const action = (parsed.host || parsed.pathname).replace(/^\/+|\/+$/g, "");
  if (action !== "join") return { error: `Tandem links can only join a session (not "${action}").` };
  return codeRequest(parsed.searchParams.get("code"));
}

/** From the command line: `--code X`, `--code=X`, or a `tandem://` link (how Windows and Linux hand a link to the app). */
export function parseLaunchArgs(argv: readonly string[]): LaunchRequest {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--code") return codeRequest(argv[i + 1] ?? null);
    if (arg.startsWith("--code=")) return codeRequest(arg.slice("--code=".length));
    if (arg.toLowerCase().startsWith(`${PROTOCOL_SCHEME}:`)) return parseDeepLink(arg);
  }
  return null;
}

function codeRequest(raw: string | null): LaunchRequest {
  if (!raw) return { error: "The link has no session code." };
  const code = normalizeCode(raw);
  return code ? { code } : { error: "That session code is not valid: it has 8 letters and digits." };
}
