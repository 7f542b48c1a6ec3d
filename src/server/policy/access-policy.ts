import { BlockList, isIP } from "node:net";
import type { AccessPolicy } from "../../protocol/index.js";

/**
 * Conditional access: the first enabled policy whose conditions match decides.
 * `block` refuses; `require_mfa` refuses unless the sign-in used a second factor.
 */
export type AccessStage = AccessPolicy["appliesTo"][number];

export interface AccessRequest {
  stage: AccessStage;
  userId: string;
  groups: string[];
  amr: string[];
  address: string;
}

export interface AccessRefusal {
  policy: AccessPolicy;
  reason: string;
}

export function evaluateAccess(policies: readonly AccessPolicy[], request: AccessRequest): AccessRefusal | null {
  for (const policy of policies) {
    if (!policy.enabled || !policy.appliesTo.includes(request.stage) || !matches(policy, request)) continue;
    if (policy.control === "block") return { policy, reason: `blocked by the access policy "${policy.name}"` };
    if (!request.amr.includes("mfa")) return { policy, reason: `the access policy "${policy.name}" requires multi-factor sign-in` };
  }
  return null;
}

function matches(policy: AccessPolicy, request: AccessRequest): boolean {
  const { users, groups, addressRanges } = policy.conditions;
  const who = users.length === 0 && groups.length === 0 ? true : users.includes(request.userId) || groups.some((g) => request.groups.includes(g));
  return who && (addressRanges.length === 0 || inRanges(addressRanges, request.address));
}

function inRanges(ranges: readonly string[], address: string): boolean {
  const plain = address.startsWith("::ffff:") && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
  const family = isIP(plain);
  if (family === 0) return false;
  const list = new BlockList();
  for (const range of ranges) {
    const [net, bits] = range.split("/");
    const type = isIP(net!) === 6 ? "ipv6" : "ipv4";
    list.addSubnet(net!, Number(bits ?? (type === "ipv6" ? 128 : 32)), type);
  }
  return list.check(plain, family === 6 ? "ipv6" : "ipv4");
}

/** True when every range is a valid CIDR (for the admin API's validation). */
export function validCidr(range: string): boolean {
  const [net, bits, extra] = range.split("/");
  const family = isIP(net ?? "");
  if (extra !== undefined || family === 0) return false;
  if (bits === undefined) return true;
  const n = Number(bits);
  return /^\d+$/.test(bits) && n >= 0 && n <= (family === 6 ? 128 : 32);
}
