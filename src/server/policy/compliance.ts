import { z } from "zod";

/**
 * Device compliance: a tenant's rules evaluated against what a device
 * reported. Warnings for the helper, never a block by themselves.
 */
export const ComplianceRules = z.object({
  minOsVersion: z.object({ macos: z.string().regex(/^\d+(\.\d+)*$/).optional(), windows: z.string().regex(/^\d+(\.\d+)*$/).optional() }).default({}),
  minAppVersion: z.string().regex(/^\d+(\.\d+)*$/).optional(),
  maxDaysSinceCheckIn: z.number().int().min(1).max(365).optional(),
});
export type ComplianceRules = z.infer<typeof ComplianceRules>;

export interface DeviceFacts {
  platform: "macos" | "windows" | "linux";
  osVersion: string;
  appVersion: string;
  lastSeenAt: number;
}

export function evaluateCompliance(rules: ComplianceRules, device: DeviceFacts, now: number): { compliant: boolean; reasons: string[] } {
  const reasons: string[] = [];
  const minOs = device.platform === "linux" ? undefined : rules.minOsVersion[device.platform];
  if (minOs && compareVersions(device.osVersion, minOs) < 0) reasons.push(`${device.platform === "macos" ? "macOS" : "Windows"} ${device.osVersion} is older than the required ${minOs}`);
  if (rules.minAppVersion && compareVersions(device.appVersion, rules.minAppVersion) < 0) reasons.push(`Tandem ${device.appVersion} is older than the required ${rules.minAppVersion}`);
  if (rules.maxDaysSinceCheckIn !== undefined) {
    const days = Math.floor((now - device.lastSeenAt) / 86_400_000);
    if (days > rules.maxDaysSinceCheckIn) reasons.push(`last checked in ${days} days ago (at most ${rules.maxDaysSinceCheckIn} allowed)`);
  }
  return { compliant: reasons.length === 0, reasons };
}

/** Numeric, dot-separated comparison: 10.15 < 14.0 < 14.10; missing parts count as 0. */
export function compareVersions(a: string, b: string): number {
  const [x, y] = [a.split(/[.+-]/).map((n) => Number.parseInt(n, 10) || 0), b.split(/[.+-]/).map((n) => Number.parseInt(n, 10) || 0)];
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}
