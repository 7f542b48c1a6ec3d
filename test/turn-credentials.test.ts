import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { probeTurnAllocation } from "../tools/turn-probe.js";
import { type Harness, startHarness } from "./support/broker-harness.js";
import { coturnInstalled, startCoturn } from "./support/coturn.js";
import { createAndJoin } from "./support/session-steps.js";
import { describeNeeding } from "./support/needs.js";

const SECRET = "turn-shared-secret-for-tests";

describe("ICE servers and TURN credentials for each party", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      stunUrls: "stun:turn.test:3478",
      turnUrls: "turn:turn.test:3478?transport=udp,turn:turn.test:3478?transport=tcp",
      turnSecret: SECRET,
      turnTtlSeconds: 600,
    });
  });
  afterAll(() => h.close());

  it("gives each party short-lived coturn REST credentials that the shared secret verifies", async () => {
    const { created, joined } = await createAndJoin(h, "turn-helper", "turn-sharer");
    for (const [ice, user] of [
      [created.ice, "turn-helper"],
      [joined.ice, "turn-sharer"],
    ] as const) {
      expect(ice.iceTransportPolicy).toBe("all");
      expect(ice.iceServers[0]).toEqual({ urls: ["stun:turn.test:3478"] });
      const turn = ice.iceServers[1]!;
      expect(turn.urls).toEqual(["turn:turn.test:3478?transport=udp", "turn:turn.test:3478?transport=tcp"]);
      const [expiry, name] = turn.username!.split(":");
      expect(name).toBe(user);
      expect(Number(expiry) - Date.now() / 1000).toBeGreaterThan(590);
      expect(Number(expiry) - Date.now() / 1000).toBeLessThanOrEqual(600);
      expect(turn.credential).toBe(createHmac("sha1", SECRET).update(turn.username!).digest("base64"));
    }
  });

  it("keeps a sharer's addresses private when the tenant asks: relay only for the sharer, not the helper", async () => {
    const other = await startHarness({ turnUrls: "turn:turn.test:3478", turnSecret: SECRET, defaultTenantSettings: { allowUnenrolledDevices: true, relayOnlyForSharers: true } });
    try {
      const { created, joined } = await createAndJoin(other, "relay-helper", "relay-sharer");
      expect(joined.ice.iceTransportPolicy).toBe("relay");
      expect(created.ice.iceTransportPolicy).toBe("all");
    } finally {
      await other.close();
    }
  });
});

// In CI coturn is installed by .ci/run; a missing one there fails (scripts/test.mjs counts skips as failures).
describeNeeding(coturnInstalled() ? null : "coturn is not installed (apt-get install coturn)")("the credentials against a real coturn (use-auth-secret)", () => {
  it("allocate a relay with the broker's credential, and are refused with a forged or expired one", async () => {
    const coturn = await startCoturn(SECRET);
    const h = await startHarness({ turnUrls: `turn:127.0.0.1:${coturn.port}?transport=udp`, turnSecret: SECRET });
    try {
      const { created } = await createAndJoin(h, "coturn-helper", "coturn-sharer");
      const turn = created.ice.iceServers.find((s) => s.credential)!;
      const allocation = await probeTurnAllocation({ host: "127.0.0.1", port: coturn.port, username: turn.username!, credential: turn.credential! });
      expect(allocation.relayedAddress).toMatch(/^127\.0\.0\.1:\d+$/);
      await expect(probeTurnAllocation({ host: "127.0.0.1", port: coturn.port, username: turn.username!, credential: "forged" })).rejects.toThrow(/401/);
      const expired = `${Math.floor(Date.now() / 1000) - 60}:coturn-helper`;
      await expect(probeTurnAllocation({ host: "127.0.0.1", port: coturn.port, username: expired, credential: createHmac("sha1", SECRET).update(expired).digest("base64") })).rejects.toThrow(/401/);
    } finally {
      await h.close();
      coturn.stop();
    }
  });
});
