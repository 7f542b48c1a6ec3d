import { isIP } from "node:net";

/**
 * What per-address limits count: an IPv4 address, or an IPv6 /64 (one
 * subscriber's whole network: anyone with IPv6 can use 2^64 addresses, so
 * counting single IPv6 addresses would limit nothing).
 */
export function addressBucket(address: string): string {
  const plain = address.startsWith("::ffff:") && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
  if (isIP(plain) !== 6) return plain;
  const [head = "", tail = ""] = plain.split("::");
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const groups = plain.includes("::") ? [...left, ...Array<string>(8 - left.length - right.length).fill("0"), ...right] : left;
  return `${groups.slice(0, 4).map((g) => parseInt(g, 16).toString(16)).join(":")}::/64`;
}
