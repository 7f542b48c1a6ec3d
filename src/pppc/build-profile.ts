import { createHash } from "node:crypto";
import { developerIdRequirement } from "./code-requirement.js";
import { type PppcInput, PppcOptions, type PppcService } from "./options.js";
import { type PlistValue, toPlistXml } from "./plist-xml.js";

/**
 * Builds the .mobileconfig an MDM deploys so the Tandem app is not stopped by
 * macOS privacy prompts: one Configuration profile with one
 * com.apple.TCC.configuration-profile-policy payload for the app's bundle id
 * and Developer ID code requirement. UUIDs derive from the inputs, so
 * regenerating updates the same profile in the MDM instead of adding another.
 */
export const TCC_PAYLOAD_TYPE = "com.apple.TCC.configuration-profile-policy";

/** What the admin must know about the chosen services on current macOS versions. */
export function profileWarnings(input: PppcInput): string[] {
  const o = PppcOptions.parse(input);
  const warnings: string[] = [];
  if (o.services.includes("Accessibility")) {
    warnings.push(
      "Pre-approving Accessibility by profile is deprecated in macOS 26.2 and removed in macOS 27.0: on those Macs the person must still allow Tandem in System Settings → Privacy & Security → Accessibility (the app's permission onboarding guides them).",
    );
  }
  const userApproved = o.services.filter((s) => s === "ScreenCapture" || s === "ListenEvent");
  if (userApproved.length && o.allowStandardUserApproval) {
    warnings.push("macOS does not let any profile pre-allow Screen Recording: the profile only lets the person (even a standard user) approve it themselves.");
  } else if (userApproved.length) {
    warnings.push(`${userApproved.join(" and ")} left out: no profile can pre-allow them, and standard users may not approve them, so an administrator must approve them on each Mac.`);
  }
  return warnings;
}

export function buildPppcProfile(input: PppcInput): string {
  const o = PppcOptions.parse(input);
  const requirement = developerIdRequirement(o.bundleId, o.teamId);
  const seed = JSON.stringify([o.bundleId, o.teamId, o.identifierPrefix, [...o.services].sort(), o.allowStandardUserApproval]);
  const services: Record<string, PlistValue> = {};
  for (const service of orderedServices(o.services, o.allowStandardUserApproval)) {
    services[service] = [
      {
        Authorization: service === "ScreenCapture" || service === "ListenEvent" ? "AllowStandardUserToSetSystemService" : "Allow",
        CodeRequirement: requirement,
        Comment: `Tandem remote help: ${COMMENTS[service]}`,
        Identifier: o.bundleId,
        IdentifierType: "bundleID",
        StaticCode: false,
      },
    ];
  }
  const identifier = `${o.identifierPrefix}.tandem.pppc`;
  const payload = {
    PayloadDescription: "Lets the Tandem app ask for the macOS privacy permissions remote help needs.",
    PayloadDisplayName: "Privacy Preferences Policy Control",
    PayloadIdentifier: `${identifier}.tcc`,
    PayloadOrganization: o.organization,
    PayloadType: TCC_PAYLOAD_TYPE,
    PayloadUUID: stableUuid(`payload:${seed}`),
    PayloadVersion: 1,
    Services: services,
  };
  return toPlistXml({
    PayloadContent: [payload],
    PayloadDescription: `Allows the Tandem remote-help app (${o.bundleId}, Team ID ${o.teamId}) to be granted the permissions it needs for screen sharing and remote control.`,
    PayloadDisplayName: "Tandem remote help: privacy permissions",
    PayloadIdentifier: identifier,
    PayloadOrganization: o.organization,
    PayloadRemovalDisallowed: false,
    PayloadScope: "System",
    PayloadType: "Configuration",
    PayloadUUID: stableUuid(`profile:${seed}`),
    PayloadVersion: 1,
  });
}

const COMMENTS: Record<PppcService, string> = {
  Accessibility: "control mouse and keyboard when the person grants full control",
  ScreenCapture: "share the screen with the helper",
  PostEvent: "post keyboard and mouse events",
  ListenEvent: "listen to input events (the revoke hotkey)",
};

/**
 * Screen Recording and ListenEvent cannot be pre-allowed by any profile; the
 * most a profile can do is let the user approve them. Without that, an entry
 * would only be able to deny, so it is left out.
 */
function orderedServices(services: PppcService[], standardUsersMayApprove: boolean): PppcService[] {
  return (["Accessibility", "ListenEvent", "PostEvent", "ScreenCapture"] as const).filter(
    (s) => services.includes(s) && (standardUsersMayApprove || (s !== "ScreenCapture" && s !== "ListenEvent")),
  );
}

/** A name-based UUID (RFC 9562 version 8 over SHA-256): the same inputs, the same UUID. */
export function stableUuid(name: string): string {
  const bytes = createHash("sha256").update(`tandem-pppc:${name}`).digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x80;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString("hex").toUpperCase();
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
