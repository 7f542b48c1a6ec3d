import { createHmac } from "node:crypto";
import type { IceConfig, PartyRole } from "../../protocol/index.js";

/**
 * ICE servers for one party, with TURN credentials in the TURN REST API form
 * that coturn's `use-auth-secret` checks: username "<expiry>:<user>",
 * password base64(HMAC-SHA1(secret, username)). Short-lived, so a leaked
 * credential relays for minutes, not forever.
 */
export interface TurnSettings {
  stunUrls: string[];
  turnUrls: string[];
  turnSecret?: string;
  ttlSeconds: number;
}

export function iceConfigFor(o: { userId: string; role: PartyRole; relayOnlyForSharers: boolean; turn: TurnSettings; now: number }): IceConfig {
  const iceServers: IceConfig["iceServers"] = [];
  if (o.turn.stunUrls.length) iceServers.push({ urls: o.turn.stunUrls });
  if (o.turn.turnUrls.length && o.turn.turnSecret) iceServers.push({ urls: o.turn.turnUrls, ...turnCredential(o.turn.turnSecret, o.userId, o.now, o.turn.ttlSeconds) });
  const relay = o.role === "sharer" && o.relayOnlyForSharers && iceServers.some((s) => s.credential);
  return { iceServers, iceTransportPolicy: relay ? "relay" : "all" };
}

export function turnCredential(secret: string, userId: string, now: number, ttlSeconds: number): { username: string; credential: string } {
  const username = `${Math.floor(now / 1000) + ttlSeconds}:${userId.replace(/:/g, "_")}`;
  return { username, credential: createHmac("sha1", secret).update(username).digest("base64") };
}
