import { parse as parsePlist } from "plist";

/**
 * Checks a PPPC profile against a ProfileManifests description of the payload
 * (the manifest is passed in; Tandem does not ship it): every key known, every
 * type right, every enumerated value allowed, required keys present, and never
 * both `Authorization` and `Allowed` in one entry.
 *
 * Where the manifest lists `Allowed` but not `Authorization` for a service,
 * Apple's documentation (quoted in the manifest itself) still accepts
 * `Authorization` for every service since macOS 11, with
 * `AllowStandardUserToSetSystemService` only for ListenEvent and ScreenCapture;
 * the validator applies that rule.
 */
interface ManifestKey {
  pfm_name?: string;
  pfm_type?: string;
  pfm_require?: string;
  pfm_range_list?: unknown[];
  pfm_subkeys?: ManifestKey[];
  pfm_macos_deprecated?: string;
}

const AUTHORIZATION_VALUES = ["Allow", "Deny", "AllowStandardUserToSetSystemService"];
const STANDARD_USER_SERVICES = ["ListenEvent", "ScreenCapture"];

export interface ProfileCheck {
  problems: string[];
  /** Services the manifest marks deprecated, with the macOS version. */
  deprecated: { service: string; since: string }[];
}

export function validatePppcProfile(xml: string, manifestXml: string): ProfileCheck {
  const manifest = parsePlist(manifestXml) as unknown as ManifestKey & { pfm_domain: string };
  const profile = parsePlist(xml) as Record<string, unknown>;
  const problems: string[] = [];
  const deprecated: ProfileCheck["deprecated"] = [];
  if (profile.PayloadType !== "Configuration") problems.push("PayloadType must be Configuration");
  for (const key of ["PayloadIdentifier", "PayloadUUID", "PayloadDisplayName"]) if (typeof profile[key] !== "string") problems.push(`${key} is missing`);
  if (profile.PayloadVersion !== 1) problems.push("PayloadVersion must be 1");
  const content = Array.isArray(profile.PayloadContent) ? (profile.PayloadContent as Record<string, unknown>[]) : [];
  const payloads = content.filter((p) => p.PayloadType === manifest.pfm_domain);
  if (payloads.length !== 1) problems.push(`expected exactly one ${manifest.pfm_domain} payload, found ${payloads.length}`);
  for (const payload of payloads) {
    checkDict(payload, manifest.pfm_subkeys ?? [], "payload", problems, (service, key) => {
      if (key.pfm_macos_deprecated) deprecated.push({ service, since: key.pfm_macos_deprecated });
    });
  }
  return { problems, deprecated };
}

function checkDict(value: Record<string, unknown>, keys: ManifestKey[], where: string, problems: string[], onService: (service: string, key: ManifestKey) => void, service?: string) {
  const known = new Map(keys.map((k) => [k.pfm_name, k]));
  for (const key of keys) if (key.pfm_require === "always" && !(key.pfm_name! in value)) problems.push(`${where}: ${key.pfm_name} is required`);
  for (const [name, v] of Object.entries(value)) {
    const key = known.get(name) ?? (name === "Authorization" && service ? { pfm_name: name, pfm_type: "string", pfm_range_list: AUTHORIZATION_VALUES } : undefined);
    if (!key) {
      problems.push(`${where}: unknown key ${name}`);
      continue;
    }
    if (!typeMatches(v, key.pfm_type)) {
      problems.push(`${where}.${name}: expected ${key.pfm_type}`);
      continue;
    }
    if (key.pfm_range_list && !key.pfm_range_list.includes(v)) problems.push(`${where}.${name}: ${JSON.stringify(v)} is not one of ${JSON.stringify(key.pfm_range_list)}`);
    if (name === "Authorization" && v === "AllowStandardUserToSetSystemService" && service && !STANDARD_USER_SERVICES.includes(service)) {
      problems.push(`${where}.${name}: AllowStandardUserToSetSystemService is only valid for ListenEvent and ScreenCapture`);
    }
    if (key.pfm_type === "dictionary" && key.pfm_subkeys) {
      const isServices = name === "Services" && !service;
      if (isServices) {
        for (const [serviceName, entries] of Object.entries(v as Record<string, unknown>)) {
          const serviceKey = key.pfm_subkeys.find((k) => k.pfm_name === serviceName);
          if (!serviceKey) {
            problems.push(`${where}.Services: unknown service ${serviceName}`);
            continue;
          }
          onService(serviceName, serviceKey);
          if (!Array.isArray(entries)) {
            problems.push(`${where}.Services.${serviceName}: expected array`);
            continue;
          }
          const entryKeys = serviceKey.pfm_subkeys?.[0]?.pfm_subkeys ?? [];
          entries.forEach((entry, i) => {
            const at = `${where}.Services.${serviceName}[${i}]`;
            if (!isDict(entry)) return problems.push(`${at}: expected dictionary`);
            checkDict(entry, entryKeys, at, problems, onService, serviceName);
            if ("Authorization" in entry && "Allowed" in entry) problems.push(`${at}: Authorization and Allowed must not both be set`);
            if (!("Authorization" in entry) && !("Allowed" in entry)) problems.push(`${at}: needs Authorization or Allowed`);
          });
        }
      } else {
        checkDict(v as Record<string, unknown>, key.pfm_subkeys, `${where}.${name}`, problems, onService, service);
      }
    }
  }
}

function isDict(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Date) && !Buffer.isBuffer(v);
}

function typeMatches(v: unknown, type: string | undefined): boolean {
  switch (type) {
    case "string":
      return typeof v === "string";
    case "integer":
      return Number.isInteger(v);
    case "boolean":
      return typeof v === "boolean";
    case "array":
      return Array.isArray(v);
    case "dictionary":
      return isDict(v);
    default:
      return true;
  }
}
