import type { Redis } from "ioredis";
import type { PartyRole } from "../../protocol/index.js";

/**
 * Which broker holds which party, and which brokers are alive, in Redis. A
 * broker refreshes a short-lived key every second; when one stops (crashed,
 * cut off), another broker notices its key is gone, takes over its seats once
 * (a lock), and starts each party's grace as if its connection had closed:
 * the other party is told at once and may wait for a reconnect to any broker.
 */
const ALIVE_MS = 3000;
const BROKERS = "brokers"; // keys live under the cluster's prefix (REDIS_URL connections set it)
const alive = (id: string) => `broker:${id}:alive`;
const seats = (id: string) => `broker:${id}:seats`;

export interface BrokerPresence {
  seated(sessionId: string, role: PartyRole): void;
  unseated(sessionId: string, role: PartyRole): void;
  stop(): Promise<void>;
}

export function startBrokerPresence(o: { redis: Redis; brokerId: string; onPartyLost: (sessionId: string, role: PartyRole) => Promise<void>; log: (error: unknown) => void }): BrokerPresence {
  const { redis, brokerId } = o;
  // This broker's seats as it knows them, so they can be written again if Redis restarted empty.
  const mine = new Set<string>();
  const beat = async () => {
    const [, , [, seatsKept]] = (await redis.multi().set(alive(brokerId), "1", "PX", ALIVE_MS).sadd(BROKERS, brokerId).exists(seats(brokerId)).exec()) as [unknown, unknown, [unknown, number]];
    if (!seatsKept && mine.size) await redis.hset(seats(brokerId), Object.fromEntries([...mine].map((seat) => [seat, "1"])));
    for (const other of await redis.smembers(BROKERS)) {
      if (other === brokerId || (await redis.exists(alive(other)))) continue;
      // Only one survivor takes over a dead broker's parties.
      if ((await redis.set(`broker:${other}:reaper`, brokerId, "PX", 60_000, "NX")) !== "OK") continue;
      const lost = await redis.hkeys(seats(other));
      for (const seat of lost) {
        const [sessionId, role] = seat.split("|") as [string, PartyRole];
        await o.onPartyLost(sessionId, role).catch(o.log);
      }
      await redis.multi().del(seats(other)).srem(BROKERS, other).exec();
    }
  };
  const timer = setInterval(() => void beat().catch(o.log), 1000);
  timer.unref();
  void beat().catch(o.log);
  let leaving = false;

  return {
    seated: (sessionId, role) => {
      mine.add(`${sessionId}|${role}`);
      void redis.hset(seats(brokerId), `${sessionId}|${role}`, "1").catch(o.log);
    },
    unseated: (sessionId, role) => {
      if (leaving) return;
      mine.delete(`${sessionId}|${role}`);
      void redis.hdel(seats(brokerId), `${sessionId}|${role}`).catch(o.log);
    },
    /**
     * Before a clean shutdown closes its connections: the seats stay, the
     * liveness key goes, so a surviving broker takes the parties over (and
     * runs their grace) as it would after a crash.
     */
    async stop() {
      leaving = true;
      clearInterval(timer);
      await redis.del(alive(brokerId));
    },
  };
}
