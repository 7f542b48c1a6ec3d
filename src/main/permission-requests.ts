import { PROTOCOL_SCHEME } from "./deep-link.js";
import type { PermissionPane } from "../protocol/index.js";

/**
 * macOS lists an app under Accessibility or Screen Recording only once it has
 * asked: opening the pane alone shows a list without Tandem. So before the
 * pane opens, main asks — the trusted-process prompt for Accessibility, a
 * capture attempt for Screen Recording — and Tandem is there to switch on.
 */
export interface PermissionAsker {
  /** systemPreferences.isTrustedAccessibilityClient(true): macOS's own prompt, which adds Tandem to the list. */
  isTrustedAccessibilityClient(prompt: boolean): boolean;
  /** A capture attempt (desktopCapturer.getSources), which adds Tandem to the Screen Recording list. */
  touchScreenCapture(): Promise<void>;
}

export async function askToBeListed(platform: string, pane: PermissionPane, os: PermissionAsker): Promise<void> {
  if (platform !== "darwin") return;
  if (pane === "accessibility") os.isTrustedAccessibilityClient(true);
  else await os.touchScreenCapture().catch(() => undefined);
}

/**
 * The arguments for the reopened app (macOS applies Screen Recording only to a
 * new process): the same ones, without any earlier code or link, plus the
 * session's code, so it rejoins the session it was in.
 */
export function reopenArgs(argv: readonly string[], code: string): string[] {
  const kept: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--code") {
      i++;
      continue;
    }
    if (arg.startsWith("--code=") || arg.toLowerCase().startsWith(`${PROTOCOL_SCHEME}:`)) continue;
    kept.push(arg);
  }
  return [...kept, "--code", code];
}
