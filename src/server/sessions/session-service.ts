import { CHAT_PAGE_BYTES, type EndReason, type IceConfig, isTransitionError, normalizeCode, type PartyRole, sharerLinkPath, transition } from "../../protocol/index.js";
import type { Identity } from "../identity/identity.js";
import { addressBucket } from "../limits/address-bucket.js";
import { ProtocolError } from "../protocol-error.js";
import type { DeviceRecord, SessionPatch, SessionRecord, SharerTarget } from "../store/store.js";
import { chatPage } from "./chat-history.js";
import { createDeviceOffers } from "./device-offers.js";
import { iceConfigFor } from "./ice-config.js";
import { KeyedMutex } from "./keyed-mutex.js";
import { auditRow, deviceAudit, type PartyCommand, toEvent } from "./session-events.js";
import { createEventApplier } from "./event-applier.js";
import { awayOf, awayPatch, createSessionTimers } from "./session-timers.js";
import type { Attached, Created, SessionServiceOptions } from "./session-types.js";
import { deviceTargetOf, newSessionRecord, otherRole, peerOf, roleOf, stateOf, viewOf } from "./session-view.js";

export type { Attached, Created, SessionServiceOptions } from "./session-types.js";

export type { PartyCommand } from "./session-events.js";

const CHAT_HISTORY_LIMIT = 500;
/** The chat a (re)joining party gets at once: four history pages' worth, well inside a connection's send buffer. */
const RESUME_CHAT_BYTES = 4 * CHAT_PAGE_BYTES;

export type SessionService = ReturnType<typeof createSessionService>;

export function createSessionService(o: SessionServiceOptions) {
  const mutex = new KeyedMutex();
  const timers = createSessionTimers(o.clock);
  const offers = createDeviceOffers({ store: o.store, clock: o.clock, bus: o.bus, limits: o.offerLimits });

  const auditEvent = (tenantId: string, sessionId: string | null, actorId: string | null, action: string, detail: Record<string, unknown>) => auditRow(tenantId, sessionId, actorId, action, detail, o.clock.now());

  const { apply, remember, written, load } = createEventApplier({ store: o.store, clock: o.clock, bus: o.bus, grants: o.grants, mutex, ended: (sessionId) => timers.clear(sessionId) });

  function armExpiry(record: SessionRecord) {
    // Already redeemed or ended: the expiry is refused by the state machine, nothing to do.
    timers.expireAt(record.id, record.codeExpiresAt, () => void apply(record.id, { type: "expire", by: "system" }, null).catch(() => undefined));
  }

  /**
   * The party's absence is written to the session, so a resume on any broker
   * ends it; the grace timer here ends the session only if it still stands.
   */
  async function startGrace(sessionId: string, role: PartyRole): Promise<void> {
    const record = await o.store.getSession(sessionId);
    if (!record || record.status === "ended") return;
    const graceMs = await o.policy.graceMs(record.tenantId);
    const awaySince = o.clock.now();
    const actorId = role === "helper" ? record.helperId : record.sharerId;
    await o.store.updateSession(sessionId, awayPatch(role, awaySince), auditEvent(record.tenantId, sessionId, actorId, "session.party_disconnected", { role }));
    timers.graceFor(sessionId, role, graceMs, () => {
      const reason: EndReason = role === "helper" ? "helper_disconnected" : "sharer_disconnected";
      const stillAway = (r: SessionRecord) => {
        if (awayOf(r, role) !== awaySince) throw new ProtocolError("invalid_transition", "came back");
      };
      apply(sessionId, { type: "end", by: "system", reason }, null, stillAway).catch(() => undefined); // back, or ended meanwhile
    });
    o.bus.publish({
      sessionId,
      to: otherRole(role),
      message: { type: "session.peer_presence", sessionId, peer: role, status: "disconnected", graceMs },
    });
  }

  async function ice(record: SessionRecord, userId: string, role: PartyRole): Promise<IceConfig> {
    return iceConfigFor({ userId, role, relayOnlyForSharers: await o.policy.relayOnlyForSharers(record.tenantId), turn: o.turn, now: o.clock.now() });
  }

  async function attachedView(record: SessionRecord, role: PartyRole, resumeToken: string): Promise<Attached> {
    // Capped in bytes too, so a resume always fits a connection's send buffer; the rest comes page by page (chat.history).
    const chat = chatPage(await o.store.listChat(record.id, 0, CHAT_HISTORY_LIMIT, RESUME_CHAT_BYTES), RESUME_CHAT_BYTES, CHAT_HISTORY_LIMIT).messages;
    const peerDevice = role === "helper" ? (record.sharerTarget?.device ?? null) : null;
    const userId = role === "helper" ? record.helperId : record.sharerId!;
    return { role, session: viewOf(record), peer: peerOf(record, role), resumeToken, ice: await ice(record, userId, role), chat, peerDevice, ...deviceTargetOf(record, role) };
  }

  /**
   * A party is back (with its resume token, or the sharer with its own code): its grace is cancelled, the
   * return is written with `patch` (and the end of its absence), and the other party hears it when it was away.
   */
  async function partyBack(record: SessionRecord, role: PartyRole, user: Identity, patch: SessionPatch, detail: Record<string, unknown>) {
    const wasAway = awayOf(record, role) !== null;
    timers.cancelGrace(record.id, role);
    const audit = auditEvent(record.tenantId, record.id, user.userId, "session.party_resumed", { role, ...detail });
    const change = { ...patch, ...(wasAway ? awayPatch(role, null) : {}) };
    if (Object.keys(change).length > 0) await o.store.updateSession(record.id, change, audit);
    else await o.store.appendAudit(audit);
    if (wasAway) {
      o.bus.publish({
        sessionId: record.id,
        to: otherRole(role),
        message: { type: "session.peer_presence", sessionId: record.id, peer: role, status: "reconnected", graceMs: await o.policy.graceMs(record.tenantId) },
      });
    }
  }

  /** The sharer back with its own code: a new resume token, as a resume would give. */
  async function rejoin(sessionId: string, sharer: Identity, resumeToken: string): Promise<Attached> {
    return mutex.run(sessionId, async () => {
      const record = await load(sessionId);
      if (record.status === "ended") throw new ProtocolError("code_used", "this code was already used");
      const sharerResumeHash = o.secrets.hashResumeToken(resumeToken);
      await partyBack(record, "sharer", sharer, { sharerResumeHash }, { by: "code" });
      return attachedView({ ...record, sharerResumeHash, sharerAwaySince: null }, "sharer", resumeToken);
    });
  }

  /** Redeems a code whose attempt is already counted; `markFailed` keeps that count (a wrong, expired or used code). */
  async function redeem(sharer: Identity, address: string, rawCode: string, device: DeviceRecord | null, markFailed: () => void): Promise<Attached> {
    const rejected = async (reason: "code_invalid" | "code_expired" | "code_used" | "code_cancelled", record?: SessionRecord) => {
      markFailed();
      await (o.refusals?.append ?? o.store.appendAudit)(auditEvent(sharer.tenantId, record?.id ?? null, sharer.userId, "session.code_rejected", { reason, address }));
      const words = { code_invalid: "no session has this code", code_expired: "this code has expired", code_used: "this code was already used", code_cancelled: "this code was cancelled by your helper" };
      return new ProtocolError(reason, words[reason]);
    };

    const code = normalizeCode(rawCode);
    if (code === null) throw await rejected("code_invalid");
    const codeHash = o.secrets.hashCode(code);
    const resumeToken = o.secrets.newResumeToken();
    const now = o.clock.now();
    const sharerTarget: SharerTarget = { groups: [...sharer.groups, ...(device?.groups ?? [])], device: device ? await o.devices.view(device) : null };
    await o.policy.join(sharer, sharerTarget);
    const result = await o.store.redeemCode(
      codeHash,
      sharer.tenantId,
      { sharerId: sharer.userId, sharerName: sharer.name, sharerProfile: sharer.profile, sharerTarget, sharerResumeHash: o.secrets.hashResumeToken(resumeToken), at: now },
      { actorId: sharer.userId, action: "session.joined", detail: { address, device: deviceAudit(sharerTarget.device) }, at: now },
    );
    if (!result.ok) {
      const used = result.session;
      // The same person on the same device coming back with their own code (the desktop app reopened to apply
      // Screen Recording, a reloaded page): they rejoin their session, with a new resume token.
      if (result.reason === "code_used" && used && used.sharerId === sharer.userId && used.status !== "ended" && (used.sharerTarget?.device?.deviceId ?? null) === (device?.id ?? null)) {
        return rejoin(used.id, sharer, resumeToken);
      }
      throw await rejected(result.reason, used);
    }
    const record = result.session;
    written(record);
    timers.codeUsed(record.id);
    if (record.helperId === sharer.userId) {
      // Redeeming one's own code is never a help request; end it rather than leave a half-joined session.
      await apply(record.id, { type: "end", by: "system", reason: "policy_blocked" }, sharer.userId);
      throw new ProtocolError("forbidden", "you cannot join a session you created");
    }
    o.bus.publish({
      sessionId: record.id,
      to: "helper",
      message: { type: "session.peer_joined", session: viewOf(record), peer: sharer.profile, device: sharerTarget.device, ...deviceTargetOf(record, "helper") },
    });
    // Chat opens only once the sharer is in, so a first join has no history to send.
    return { role: "sharer", session: viewOf(record), peer: peerOf(record, "sharer"), resumeToken, ice: await ice(record, sharer.userId, "sharer"), chat: [], peerDevice: null, ...deviceTargetOf(record, "sharer") };
  }

  return {
    /** A new session and its code (for `deviceId`, Help on a device); `seated` runs before the offer goes out, so the helper hears its fate. */
    async create(helper: Identity, address: string, deviceId?: string, seated?: (created: Created) => void): Promise<Created> {
      const device = deviceId === undefined ? null : await o.store.devices.get(helper.tenantId, deviceId);
      // Another tenant's device and one that does not exist get the same answer: no oracle for which devices exist.
      if (deviceId !== undefined && !device) throw new ProtocolError("not_found", "no device of that id in your organisation");
      const { codeTtlMs } = await o.policy.create(helper, address, device);
      const targetDevice = device ? { deviceId: device.id, name: device.name } : null;
      const now = o.clock.now();
      const resumeToken = o.secrets.newResumeToken();
      for (let attempt = 0; attempt < 5; attempt++) {
        const code = o.secrets.newCode();
        const record = newSessionRecord(helper, now, now + codeTtlMs, o.secrets.hashResumeToken(resumeToken), targetDevice);
        const audit = { tenantId: helper.tenantId, sessionId: record.id, actorId: helper.userId, action: "session.created", detail: { expiresAt: record.codeExpiresAt, ...(targetDevice ? { device: targetDevice } : {}) }, at: now };
        if (!(await o.store.insertSession({ ...record, codeHash: o.secrets.hashCode(code) }, audit))) continue;
        remember(record);
        armExpiry(record);
        const link = new URL(sharerLinkPath(code), o.publicOrigin).toString();
        const created = { session: viewOf(record), code, link, expiresAt: record.codeExpiresAt, resumeToken, ice: await ice(record, helper.userId, "helper"), targetDevice };
        seated?.(created);
        if (targetDevice) await offers.offer(record, code, helper);
        return created;
      }
      throw new ProtocolError("internal", "could not draw an unused code");
    },

    /** The sharer redeems a code; `device` is the device this connection proved, if any. */
    async join(sharer: Identity, address: string, rawCode: string, device: DeviceRecord | null): Promise<Attached> {
      const userKey = `${sharer.tenantId}:${sharer.userId}`;
      // Counted before the code is looked at, atomically: simultaneous guesses cannot all pass a check made before any was counted.
      const attempts = await Promise.all([o.codeLimits.perUser.take(userKey), o.codeLimits.perAddress.take(addressBucket(address))]);
      const refund = () => Promise.all(attempts.map((a) => a.refund()));
      const wait = Math.max(...attempts.map((a) => a.wait));
      if (wait > 0) {
        await refund();
        throw new ProtocolError("rate_limited", "too many wrong codes; wait before trying again", wait);
      }
      let failed = false;
      try {
        return await redeem(sharer, address, rawCode, device, () => (failed = true));
      } finally {
        if (!failed) await refund();
      }
    },
    /** A party that lost its connection comes back with its resume token. */
    async resume(user: Identity, sessionId: string, resumeToken: string): Promise<Attached> {
      return mutex.run(sessionId, async () => {
        const record = await o.store.getSession(sessionId);
        const role = record ? roleOf(record, user.userId) : null;
        const expected = role === "helper" ? record?.helperResumeHash : record?.sharerResumeHash;
        if (!record || !role || record.tenantId !== user.tenantId || expected !== o.secrets.hashResumeToken(resumeToken)) {
          throw new ProtocolError("resume_failed", "this session cannot be resumed with that token");
        }
        if (record.status === "ended") throw new ProtocolError("resume_failed", `the session has ended (${record.endReason})`);
        await partyBack(record, role, user, {}, {});
        return attachedView(record, role, resumeToken);
      });
    },

    async command(user: Identity, sessionId: string, role: PartyRole, command: PartyCommand, address: string): Promise<SessionRecord> {
      const event = toEvent(command, role);
      return apply(sessionId, event, user.userId, async (record) => {
        if (roleOf(record, user.userId) !== role) throw new ProtocolError("forbidden", "you are not a party of this session");
        // Checked for the state the machine would accept, so an out-of-state request is still invalid_transition.
        if (command.type === "request" && !isTransitionError(transition(stateOf(record), event))) {
          // The tools (drawing, clipboard, files) the helper's role and the tenant allow are decided with the level.
          return { tools: await o.policy.requestLevel(user, sessionId, command.level, record.sharerTarget ?? { groups: [], device: null }, address) };
        }
      });
    },

    /** The party's connection is gone: tell the other at once, end after the grace period. */
    async partyLeft(sessionId: string, role: PartyRole): Promise<void> {
      return mutex.run(sessionId, () => startGrace(sessionId, role));
    },

    /**
     * On start: re-arm code expiry (a second timer elsewhere is harmless, the
     * first expiry wins). A lone broker also knows nobody is connected and gives
     * every party its grace to come back; in a cluster the parties may be on
     * other brokers, and cluster presence tells which ones are really gone.
     */
    async recover(o2: { alone: boolean }): Promise<number> {
      const open = await o.store.listOpenSessions();
      for (const record of open) {
        if (record.status === "created") armExpiry(record);
        if (!o2.alone) continue;
        await this.partyLeft(record.id, "helper");
        if (record.sharerId !== null) await this.partyLeft(record.id, "sharer");
      }
      return open.length;
    },

    /** Stops timers; the store stays open for the caller to close. */
    /** Not now, from the sharer's app on the device the session was made for. */
    async declineOffer(sharer: Identity, device: DeviceRecord | null, sessionId: string): Promise<void> {
      await offers.decline(await o.store.getSession(sessionId), sharer, device);
    },

    shutdown() {
      timers.shutdown();
      offers.shutdown();
    },
  };
}
