import { CHAT_PAGE_BYTES, canChat, type ChatMessage, type PartyRole } from "../../protocol/index.js";
import type { Clock } from "../clock.js";
import type { Identity } from "../identity/identity.js";
import { ProtocolError } from "../protocol-error.js";
import type { SessionBus } from "../sessions/session-bus.js";
import { roleOf, stateOf } from "../sessions/session-view.js";
import type { SessionPolicy } from "../policy/session-policy.js";
import type { Store, StoredChatMessage } from "../store/store.js";
import { chatPage, PAGE_MESSAGES, toChatMessage } from "../sessions/chat-history.js";

/**
 * Chat goes through the broker, not the data channel, so it is persisted,
 * ordered by a server sequence number, and there before media is up and
 * after a reconnect.
 */
export type ChatService = ReturnType<typeof createChatService>;

export function createChatService(o: { store: Store; clock: Clock; bus: SessionBus; policy: SessionPolicy }) {
  async function partyOf(user: Identity, sessionId: string): Promise<{ role: PartyRole; live: boolean }> {
    const record = await o.store.getSession(sessionId);
    const role = record && record.tenantId === user.tenantId ? roleOf(record, user.userId) : null;
    if (!record || !role) throw new ProtocolError("forbidden", "you are not a party of this session");
    return { role, live: canChat(stateOf(record)) };
  }

  return {
    /** Sending is idempotent per clientMsgId: a resend after a reconnect gets the first one's seq, and nobody sees it twice. */
    async send(user: Identity, sessionId: string, text: string, clientMsgId: string): Promise<StoredChatMessage> {
      const { role, live } = await partyOf(user, sessionId);
      if (!live) throw new ProtocolError("invalid_transition", "chat is open only while both parties are in the session");
      if (!(await o.policy.chatEnabled(user.tenantId))) throw new ProtocolError("policy_blocked", "chat is turned off for this organisation");
      const stored = await o.store.appendChat({
        sessionId,
        senderId: user.userId,
        senderRole: role,
        senderName: user.name,
        text,
        createdAt: o.clock.now(),
        clientMsgId,
      });
      if (stored.duplicate) return stored;
      o.bus.publish({ sessionId, to: "both", message: { type: "chat.message", sessionId, message: toChatMessage(stored) } });
      return stored;
    },

    async history(user: Identity, sessionId: string, afterSeq: number): Promise<{ messages: ChatMessage[]; more: boolean }> {
      await partyOf(user, sessionId);
      // Characters never outnumber bytes, so this reads at most one message more than the page can hold.
      return chatPage(await o.store.listChat(sessionId, afterSeq, PAGE_MESSAGES + 1, CHAT_PAGE_BYTES), CHAT_PAGE_BYTES);
    },
  };
}
