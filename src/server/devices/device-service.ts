import { createHash, createPublicKey, randomBytes, timingSafeEqual, verify } from "node:crypto";
import { calculateJwkThumbprint } from "jose";
import { deviceProofText, type DevicePublicKey, type DeviceView, type ClientMessage } from "../../protocol/index.js";
import type { Clock } from "../clock.js";
import type { Identity } from "../identity/identity.js";
import type { PeopleNames } from "../identity/people-names.js";
import { evaluateCompliance } from "../policy/compliance.js";
import type { TenantConfig } from "../policy/tenant-config.js";
import { ProtocolError } from "../protocol-error.js";
import type { DeviceRecord, Store } from "../store/store.js";

/**
 * The device registry. A device is its key pair: the id is the key's JWK
 * thumbprint, and every connection proves possession by signing that
 * connection's own nonce (so a captured signature is worth nothing elsewhere).
 * It is enrolled when it registered with the tenant's enrollment token, which
 * the MDM-deployed configuration carries.
 */
export type DeviceService = ReturnType<typeof createDeviceService>;

type Register = Extract<ClientMessage, { type: "device.register" }>;
type Proof = NonNullable<Extract<ClientMessage, { type: "hello" }>["device"]>;

export function createDeviceService(o: { store: Store; clock: Clock; tenants: TenantConfig; peopleNames: PeopleNames }) {
  const tokenHash = (token: string) => createHash("sha256").update(token).digest("hex");

  async function enrollmentTokenValid(tenantId: string, token: string | undefined): Promise<boolean> {
    if (!token) return false;
    const stored = (await o.store.documents.get(tenantId, "enrollment", "token"))?.body as { hash?: string } | undefined;
    if (!stored?.hash) return false;
    const [a, b] = [Buffer.from(stored.hash), Buffer.from(tokenHash(token))];
    return a.length === b.length && timingSafeEqual(a, b);
  }

  return {
    newNonce: () => randomBytes(24).toString("base64url"),

    async register(identity: Identity, nonce: string, msg: Register): Promise<DeviceRecord> {
      const deviceId = await calculateJwkThumbprint(msg.publicKey, "sha256");
      if (!signatureValid(msg.publicKey, deviceProofText(nonce, deviceId, identity.userId), msg.signature)) {
        throw new ProtocolError("unauthenticated", "the device signature does not match its key");
      }
      const existing = await o.store.devices.get(identity.tenantId, deviceId);
      const enrolled = (await enrollmentTokenValid(identity.tenantId, msg.enrollmentToken)) || (existing?.enrolled ?? false);
      if (msg.enrollmentToken && !enrolled) throw new ProtocolError("forbidden", "that enrollment token is not valid for your organisation");
      const now = o.clock.now();
      const device: DeviceRecord = {
        tenantId: identity.tenantId,
        id: deviceId,
        name: msg.name,
        ...msg.facts,
        ownerId: identity.userId,
        groups: existing?.groups ?? [],
        publicKey: msg.publicKey,
        enrolled,
        registeredAt: existing?.registeredAt ?? now,
        lastSeenAt: now,
      };
      await o.store.devices.register(device, {
        tenantId: identity.tenantId,
        sessionId: null,
        actorId: identity.userId,
        action: existing ? "device.reregistered" : "device.registered",
        detail: { deviceId, name: msg.name, ...msg.facts, enrolled },
        at: now,
      });
      return device;
    },

    /** The device this connection proved, with its check-in recorded. */
    async prove(identity: Identity, nonce: string, proof: Proof): Promise<DeviceRecord> {
      const device = await o.store.devices.get(identity.tenantId, proof.deviceId);
      // Same answer for an unknown device and a bad signature: no registry oracle.
      if (!device || !signatureValid(device.publicKey, deviceProofText(nonce, proof.deviceId, identity.userId), proof.signature)) {
        throw new ProtocolError("unauthenticated", "the device could not prove its identity");
      }
      const at = o.clock.now();
      await o.store.devices.checkIn(identity.tenantId, device.id, at, proof.facts);
      return { ...device, ...(proof.facts ?? {}), lastSeenAt: at };
    },

    /** What the helper sees: enrollment and compliance with reasons. */
    /** The tenant's devices as the Devices pages list them: compliance now, and the owner by name. */
    async listForAdmin(caller: Identity) {
      const devices = await o.store.devices.list(caller.tenantId);
      const ownerName = await o.peopleNames(caller, devices.map((d) => d.ownerId));
      return Promise.all(devices.map(async (d) => ({ ...(await this.view(d)), ownerId: d.ownerId, ownerName: ownerName(d.ownerId), groups: d.groups, registeredAt: d.registeredAt, lastSeenAt: d.lastSeenAt })));
    },

    async view(device: DeviceRecord): Promise<DeviceView> {
      const { compliance } = await o.tenants.snapshot(device.tenantId);
      const result = evaluateCompliance(compliance, device, o.clock.now());
      return { deviceId: device.id, name: device.name, platform: device.platform, osVersion: device.osVersion, appVersion: device.appVersion, enrolled: device.enrolled, ...result };
    },

    /** A new enrollment token for the tenant (shown once; only its hash is kept). */
    async newEnrollmentToken(tenantId: string, actorId: string): Promise<string> {
      const token = randomBytes(32).toString("base64url");
      const at = o.clock.now();
      await o.store.documents.put(tenantId, "enrollment", "token", { hash: tokenHash(token), createdAt: at, createdBy: actorId }, { tenantId, sessionId: null, actorId, action: "enrollment_token.created", detail: {}, at });
      return token;
    },
  };
}

function signatureValid(publicKey: DevicePublicKey, text: string, signature: string): boolean {
  try {
    const key = createPublicKey({ key: { ...publicKey }, format: "jwk" });
    return verify("sha256", Buffer.from(text), { key, dsaEncoding: "ieee-p1363" }, Buffer.from(signature, "base64url"));
  } catch {
    return false;
  }
}
