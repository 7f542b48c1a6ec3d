import type { IncomingMessage } from "node:http";
import { BlockList, isIP } from "node:net";

/**
 * Which hops in front of the broker may say who the client is. X-Forwarded-For
 * is written left to right by each hop, and its leftmost entries by the client
 * itself, so the client's address is the right-most one that is not a trusted
 * proxy: the proxies by address (CIDR list), or a fixed number of hops.
 */
export type TrustedProxies = { hops: number } | { ranges: BlockList };

export function parseTrustedProxies(text: string): TrustedProxies {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) {
    const hops = Number(trimmed);
    if (hops < 1 || hops > 10) throw new Error("a hop count is 1 to 10");
    return { hops };
  }
  const ranges = new BlockList();
  for (const entry of trimmed.split(",").map((s) => s.trim())) {
    const [address, bits, extra] = entry.split("/");
    const family = isIP(address ?? "");
    const prefix = bits === undefined ? (family === 4 ? 32 : 128) : Number(bits);
    if (!family || extra !== undefined || !/^\d+$/.test(bits ?? String(prefix)) || prefix > (family === 4 ? 32 : 128)) {
      throw new Error(`"${entry}" is not an address or CIDR range (e.g. 10.0.0.0/8, fd00::/8) nor a hop count`);
    }
    ranges.addSubnet(address!, prefix, family === 4 ? "ipv4" : "ipv6");
  }
  return { ranges };
}

/** Whether the hop at `index` (0 = the socket's peer, 1 = the last X-Forwarded-For entry, ...) is a trusted proxy. */
export function isTrustedHop(trust: TrustedProxies | null, address: string, index: number): boolean {
  if (!trust) return false;
  if ("hops" in trust) return index < trust.hops;
  const plain = address.startsWith("::ffff:") && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
  const family = isIP(plain);
  return family !== 0 && trust.ranges.check(plain, family === 4 ? "ipv4" : "ipv6");
}

/** The client's address: walk from the socket leftwards through X-Forwarded-For while the hop is trusted. */
export function clientAddress(socketAddress: string | undefined, forwardedFor: string | string[] | undefined, trust: TrustedProxies | null): string {
  const hops = [socketAddress ?? "unknown", ...[forwardedFor ?? []].flat().join(",").split(",").map((s) => s.trim()).filter(Boolean).reverse()];
  let index = 0;
  while (index < hops.length - 1 && isTrustedHop(trust, hops[index]!, index)) index++;
  return hops[index]!;
}

/** The client's address of a raw request (the WebSocket upgrade, the identity provider's pages); Fastify's routes use isTrustedHop itself. */
export const requestAddress = (request: IncomingMessage, trust: TrustedProxies | null): string =>
  clientAddress(request.socket.remoteAddress, request.headers["x-forwarded-for"], trust);
