import path from "node:path";
import { parse, parseBinary } from "plist";
import { z } from "zod";

/**
 * What the organisation's device management sets for the app: the broker to
 * use and the tenant's enrollment token, so an MDM-deployed app registers its
 * device as enrolled without the sharer typing anything.
 *   macOS:   a configuration profile's preferences for the app's bundle id,
 *            which macOS writes to /Library/Managed Preferences/<bundle id>.plist
 *   Windows: the policy key HKLM\SOFTWARE\Policies\Tandem\Tandem (REG_SZ values)
 *   any:     a JSON file (ProgramData / Application Support / /etc), for
 *            deployments without either.
 * Managed preferences win over the registry over the JSON file; a value that
 * does not validate is ignored with a reason, never half-applied.
 */
export const BUNDLE_ID = "org.tandemhelp.Tandem";
export const POLICY_KEY = "HKLM\\SOFTWARE\\Policies\\Tandem\\Tandem";

export const ManagedConfig = z.object({
  BrokerUrl: z.string().url().refine((u) => /^https:\/\//.test(u) || /^http:\/\/(127\.0\.0\.1|localhost)(:|\/|$)/.test(u), "the broker must be reached over HTTPS").optional(),
  EnrollmentToken: z.string().min(16).max(200).optional(),
  DisableAutoUpdate: z.boolean().optional(),
  /** Sign-in at Microsoft Entra ID instead of the broker's embedded IdP: the tenant, the app registration of the desktop app, and the broker API's scope. */
  EntraTenant: z.string().regex(/^[\w.-]+$/, "must be a tenant id or domain").optional(),
  EntraClientId: z.string().uuid().optional(),
  EntraScope: z.string().min(1).max(200).optional(),
  /** The broker's private CA (PEM), when it is not one the OS trusts. */
  BrokerCa: z.string().regex(/^-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----\s*$/, "must be a PEM certificate").optional(),
});
export type ManagedConfig = z.infer<typeof ManagedConfig>;

export interface ManagedConfigResult {
  config: ManagedConfig;
  source: "managed-preferences" | "registry" | "json-file" | "none";
  problems: string[];
}

/** What reading needs from the OS, so tests run it against real files and real command output. */
export interface ManagedConfigSources {
  platform: "darwin" | "win32" | "linux";
  readFile(file: string): Promise<Buffer | null>;
  /** `reg query <key>` output on Windows, or null when the key does not exist. */
  regQuery(key: string): Promise<string | null>;
  env: Record<string, string | undefined>;
}

export function jsonFallbackPath(platform: ManagedConfigSources["platform"], env: Record<string, string | undefined>): string {
  if (platform === "win32") return path.win32.join(env.ProgramData ?? "C:\\ProgramData", "Tandem", "managed.json");
  if (platform === "darwin") return "/Library/Application Support/Tandem/managed.json";
  return "/etc/tandem/managed.json";
}

export async function readManagedConfig(s: ManagedConfigSources): Promise<ManagedConfigResult> {
  const problems: string[] = [];
  const attempt = (source: ManagedConfigResult["source"], raw: unknown): ManagedConfigResult | null => {
    if (raw === null || raw === undefined) return null;
    const parsed = ManagedConfig.safeParse(raw);
    if (parsed.success) return { config: parsed.data, source, problems };
    problems.push(`${source}: ${parsed.error.issues.map((i) => `${i.path.join(".") || "value"} ${i.message}`).join("; ")}`);
    return null;
  };
  const decode = (data: Buffer | null, source: ManagedConfigResult["source"], as: (data: Buffer) => unknown) => {
    if (data === null) return null;
    try {
      return as(data);
    } catch {
      problems.push(`${source}: not a valid ${source === "json-file" ? "JSON" : "property list"} file`);
      return null;
    }
  };

  if (s.platform === "darwin") {
    const found = attempt("managed-preferences", decode(await s.readFile(`/Library/Managed Preferences/${BUNDLE_ID}.plist`), "managed-preferences", readPlist));
    if (found) return found;
  }
  if (s.platform === "win32") {
    const found = attempt("registry", parseRegQuery(await s.regQuery(POLICY_KEY)));
    if (found) return found;
  }
  const file = s.env.TANDEM_MANAGED_CONFIG ?? jsonFallbackPath(s.platform, s.env);
  return attempt("json-file", decode(await s.readFile(file), "json-file", (data) => JSON.parse(data.toString("utf8")))) ?? { config: {}, source: "none", problems };
}

/** macOS writes managed preferences as binary property lists; XML ones occur too. */
function readPlist(data: Buffer): unknown {
  return data.subarray(0, 8).toString("latin1") === "bplist00" ? parseBinary(data) : parse(data.toString("utf8"));
}

/**
 * `reg query` prints one value per line: `    Name    REG_SZ    value`.
 * REG_DWORD values (0x1) become booleans/numbers; the key line and blanks are skipped.
 */
export function parseRegQuery(output: string | null): Record<string, unknown> | null {
  if (output === null) return null;
  const values: Record<string, unknown> = {};
  for (const line of output.split(/\r?\n/)) {
    const match = /^\s+(\S+)\s+(REG_SZ|REG_EXPAND_SZ|REG_DWORD)\s+(.*)$/.exec(line);
    if (!match) continue;
    const [, name, type, value] = match as unknown as [string, string, string, string];
    values[name] = type === "REG_DWORD" ? Number.parseInt(value, 16) !== 0 : value.trim();
  }
  return values;
}

/** The real OS behind the interface (used by main; tests give files and command output of their own). */
export async function systemSources(platform: ManagedConfigSources["platform"]): Promise<ManagedConfigSources> {
  const { execFile } = await import("node:child_process");
  const fs = await import("node:fs/promises");
  const run = (cmd: string, args: string[]) =>
    new Promise<string | null>((resolve) => execFile(cmd, args, { timeout: 5000, windowsHide: true }, (error, stdout) => resolve(error ? null : stdout)));
  return {
    platform,
    readFile: (file) => fs.readFile(file).catch(() => null),
    regQuery: (key) => run("reg", ["query", key]),
    env: process.env,
  };
}
