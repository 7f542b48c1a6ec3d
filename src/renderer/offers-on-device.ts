import type { ServerMessageOf } from "../protocol/index.js";
import type { BrokerConnection } from "../web-client/broker-connection.js";
import { shownError } from "../web-client/session-common.js";
import type { Store } from "../web-client/store.js";
import type { SharerHost } from "./sharer-host.js";
import type { SharerState } from "./sharer-state.js";

/**
 * Reaching the sharer without a code: the desktop app stays connected while
 * it waits, proving its device, so a helper who starts a session for this
 * device can offer it here. Join uses the offer's code as if it had been
 * typed; Not now tells the helper. The web page connects only to join.
 */
export class OffersOnDevice {
  constructor(
    private readonly store: Store<SharerState>,
    private readonly host: SharerHost,
    private readonly connect: () => Promise<BrokerConnection>,
    private readonly join: (code: string) => Promise<void>,
  ) {}

  async listen(): Promise<void> {
    if (this.host.kind !== "desktop" || this.store.get().phase !== "code") return;
    await this.connect().catch(() => undefined); // offline: the code still works once the broker is back
  }

  /** Shown only while the app waits for a code: an offer never interrupts a session. */
  offered(message: ServerMessageOf<"session.offer">): void {
    if (this.store.get().phase !== "code") return;
    this.store.set({ offer: { sessionId: message.sessionId, code: message.code, helper: message.helper, expiresAt: message.expiresAt } });
    this.host.offered?.({ name: message.helper.name, company: message.helper.company || message.helper.tenantName });
  }

  async accept(): Promise<void> {
    const offer = this.store.get().offer;
    this.store.set({ offer: null });
    if (offer) await this.join(offer.code);
  }

  async decline(): Promise<void> {
    const offer = this.store.get().offer;
    this.store.set({ offer: null });
    if (!offer) return;
    try {
      const connection = await this.connect();
      await connection.request({ type: "session.decline_offer", sessionId: offer.sessionId }, "session.offer_status");
    } catch (error) {
      this.store.set({ error: shownError(error) });
    }
  }
}
