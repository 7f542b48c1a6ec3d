import fs from "node:fs";
import { z } from "zod";

/**
 * What an admin chooses for a PPPC profile. What goes into a code requirement
 * (bundle id, Team ID) must match a strict pattern, so nothing can break out of
 * the requirement expression; free text only ever lands in escaped XML strings.
 */
export const PPPC_SERVICES = ["Accessibility", "ScreenCapture", "PostEvent", "ListenEvent"] as const;
export type PppcService = (typeof PPPC_SERVICES)[number];

const BUNDLE_ID = /^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/;
// eslint-disable-next-line no-control-regex -- refusing control characters (newlines, NUL...) is the point
const NO_CONTROL_CHARACTERS = /^[^\u0000-\u001f\u007f]*$/;

export const PppcOptions = z.object({
  bundleId: z.string().max(155).regex(BUNDLE_ID, "a bundle id is reverse-DNS: letters, digits, hyphens and dots, e.g. org.example.App"),
  teamId: z.string().regex(/^[A-Z0-9]{10}$/, "an Apple Team ID is 10 upper-case letters or digits, e.g. ABCDE12345"),
  // Only ever an XML string (escaped when written), never part of a code requirement.
  organization: z.string().min(1).max(100).regex(NO_CONTROL_CHARACTERS, "the organisation name cannot contain line breaks or other control characters"),
  identifierPrefix: z.string().max(100).regex(BUNDLE_ID, "the profile identifier prefix is reverse-DNS, e.g. com.example"),
  services: z.array(z.enum(PPPC_SERVICES)).min(1).default(["Accessibility", "ScreenCapture"]),
  /** Let a standard (non-admin) user approve Screen Recording (and ListenEvent) in System Settings. */
  allowStandardUserApproval: z.boolean().default(true),
});
export type PppcOptions = z.infer<typeof PppcOptions>;
export type PppcInput = z.input<typeof PppcOptions>;

/** The desktop app's bundle id: electron-builder.yml's appId. */
export function defaultBundleId(builderConfig = "electron-builder.yml"): string {
  const text = fs.existsSync(builderConfig) ? fs.readFileSync(builderConfig, "utf8") : "";
  const appId = /^appId:\s*["']?([^"'\s#]+)/m.exec(text)?.[1];
  if (!appId) throw new Error(`no appId in ${builderConfig}`);
  return appId;
}
