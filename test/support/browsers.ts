import fs from "node:fs";
import { inject } from "vitest";
import { CHROMIUM } from "../../tools/chromium.js";

export { CHROMIUM, launchHelperBrowser, launchSharerBrowser, newPage, type SharerBrowser, signIn } from "../../tools/chromium.js";

/** Why browser tests cannot run here, or null. Under CI=true the caller fails instead of skipping. */
export function browserStackMissing(): string | null {
  if (!fs.existsSync(CHROMIUM)) return "Debian chromium is not installed (apt-get install chromium)";
  if (!inject("webrtcNetwork")) return "not running in a network namespace (scripts/in-netns.sh; needs root), so Chromium gathers no ICE candidates";
  return null;
}

