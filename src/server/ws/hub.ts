import type { PartyRole, SessionView } from "../../protocol/index.js";
import type { Delivery, DeviceDelivery, SessionBus } from "../sessions/session-bus.js";
import { type Connection, sendSerialized } from "./connection.js";

/**
 * Which connection holds which side of which session on this broker, and the
 * latest state of each, so relaying a signal needs no database read.
 */
const SEEN_CHAT_KEPT = 200;

export class Hub {
  private readonly parties = new Map<string, Partial<Record<PartyRole, Connection>>>();
  private readonly views = new Map<string, SessionView>();
  /**
   * Chat sequence numbers delivered here per session (the latest few hundred):
   * a catch-up after a bus outage overlaps live delivery, and messages from two
   * brokers may arrive out of seq order, so "seen" is a set, not a maximum.
   */
  private readonly chatSeqs = new Map<string, Set<number>>();
  private readonly unsubscribe: () => void;
  /** The desktop apps connected here, by the device they proved (`tenant:device`): they hear offers made for that device. */
  private readonly devices = new Map<string, Set<Connection>>();

  /** Told when this broker takes or gives up a party's seat (cluster presence). */
  seats: { seated(sessionId: string, role: PartyRole): void; unseated(sessionId: string, role: PartyRole): void } | null = null;

  constructor(private readonly bus: SessionBus) {
    this.unsubscribe = bus.subscribe((delivery) => (delivery.to === "device" ? this.deliverToDevice(delivery) : this.deliver(delivery)));
  }

  /** A connection proved its device (the desktop app): while it stays, it hears offers for that device. */
  deviceOnline(connection: Connection): void {
    if (!connection.device || !connection.identity) return;
    const key = `${connection.identity.tenantId}:${connection.device.id}`;
    const set = this.devices.get(key) ?? new Set<Connection>();
    set.add(connection);
    this.devices.set(key, set);
  }

  deviceGone(connection: Connection): void {
    if (!connection.device || !connection.identity) return;
    const key = `${connection.identity.tenantId}:${connection.device.id}`;
    const set = this.devices.get(key);
    set?.delete(connection);
    if (set?.size === 0) this.devices.delete(key);
  }

  attach(connection: Connection, view: SessionView, role: PartyRole): Connection | undefined {
    const seats = this.parties.get(view.sessionId) ?? {};
    const replaced = seats[role];
    seats[role] = connection;
    this.parties.set(view.sessionId, seats);
    this.views.set(view.sessionId, view);
    connection.session = { id: view.sessionId, role };
    if (!replaced) this.seats?.seated(view.sessionId, role);
    return replaced !== connection ? replaced : undefined;
  }

  /** Removes the connection from its seat; true when it still held the seat (not replaced by a resume). */
  detach(connection: Connection): boolean {
    const session = connection.session;
    if (!session) return false;
    connection.session = null;
    const seats = this.parties.get(session.id);
    if (seats?.[session.role] !== connection) return false;
    delete seats[session.role];
    this.seats?.unseated(session.id, session.role);
    if (!seats.helper && !seats.sharer) {
      this.parties.delete(session.id);
      this.views.delete(session.id);
      this.chatSeqs.delete(session.id);
    }
    return true;
  }

  view(sessionId: string): SessionView | undefined {
    return this.views.get(sessionId);
  }

  peerOf(connection: Connection): Connection | undefined {
    const session = connection.session;
    if (!session) return undefined;
    return this.parties.get(session.id)?.[session.role === "helper" ? "sharer" : "helper"];
  }

  /** Sessions with a party on this broker, and the chat seq to read missed messages after (a margin before the latest seen). */
  localSessions(): { sessionId: string; catchUpAfterSeq: number }[] {
    return [...this.parties.keys()].map((sessionId) => ({ sessionId, catchUpAfterSeq: Math.max(0, Math.max(0, ...(this.chatSeqs.get(sessionId) ?? [])) - SEEN_CHAT_KEPT) }));
  }

  get sessionCount(): number {
    return this.parties.size;
  }

  close(): void {
    this.unsubscribe();
  }

  /** An offer for a device: to its apps here that are not in a session; the helper hears it was shown. */
  private deliverToDevice({ sessionId, tenantId, deviceId, message }: DeviceDelivery): void {
    // Not an app in a session (an offer never interrupts one), nor one whose socket is already closing.
    const apps = [...(this.devices.get(`${tenantId}:${deviceId}`) ?? [])].filter((c) => !c.session && c.socket.readyState === c.socket.OPEN);
    if (apps.length === 0) return;
    const json = JSON.stringify(message);
    for (const app of apps) sendSerialized(app, json);
    this.bus.publish({ sessionId, to: "helper", message: { type: "session.offer_status", sessionId, status: "notified" } });
  }

  private deliver({ sessionId, to, message }: Delivery): void {
    const seats = this.parties.get(sessionId);
    if (!seats) return;
    const view = "session" in message ? message.session : undefined;
    if (view) this.views.set(sessionId, view);
    if (message.type === "chat.message") {
      const seen = this.chatSeqs.get(sessionId) ?? new Set<number>();
      if (seen.has(message.message.seq)) return; // already here (a catch-up overlapping live delivery)
      seen.add(message.message.seq);
      if (seen.size > SEEN_CHAT_KEPT) seen.delete(Math.min(...seen));
      this.chatSeqs.set(sessionId, seen);
    }
    const json = JSON.stringify(message);
    if (to !== "sharer" && seats.helper) sendSerialized(seats.helper, json);
    if (to !== "helper" && seats.sharer) sendSerialized(seats.sharer, json);
    if (view?.status === "ended") {
      for (const connection of Object.values(seats)) this.detach(connection);
    }
  }
}
