import type { ChatMessage, PartyRole, ServerMessage } from "../protocol/index.js";
import { type BrokerConnection, BrokerRequestError } from "./broker-connection.js";
import type { Store } from "./store.js";
import { type ChatLine, mergeChat } from "./chat.js";

/** What both sides keep about the session's chat. */
export interface ChatState {
  chat: ChatLine[];
  unread: number;
}

let nextClientMsgId = 1;

/**
 * Sends a chat line: shown at once as "sending…", replaced by the broker's
 * copy when it arrives, taken away with the error if the broker refuses it.
 */
export function sendChatLine(o: { store: Store<ChatState & { error: ShownError | null }>; connection: BrokerConnection | null; sessionId: string | null; from: PartyRole; senderName: string; text: string }) {
  const { connection, sessionId } = o;
  if (!connection || !sessionId) return; // no session (yet, or any more): nothing to send it in
  const line = pendingLine(o.from, o.senderName, o.text);
  o.store.set((s) => ({ chat: [...s.chat, line] }));
  connection.request({ type: "chat.send", sessionId, clientMsgId: line.clientMsgId, text: o.text }, "chat.ack").catch((error: unknown) => {
    o.store.set((s) => ({ chat: s.chat.filter((l) => l.key !== line.key), error: shownError(error) }));
  });
}

/** The optimistic line shown until the broker acknowledges it. */
export function pendingLine(from: PartyRole, senderName: string, text: string): ChatLine & { clientMsgId: string } {
  const clientMsgId = `m${Date.now().toString(36)}${nextClientMsgId++}`;
  return { seq: null, key: clientMsgId, clientMsgId, from, senderName, text, at: Date.now() };
}

/** The chat was looked at: nothing unread. */
export function markSeen(store: Store<ChatState>): void {
  if (store.get().unread) store.set({ unread: 0 });
}

export function withMessages(state: ChatState, messages: ChatMessage[], me: PartyRole, countUnread: boolean): ChatState {
  let chat = state.chat;
  let unread = state.unread;
  for (const m of messages) {
    const before = chat;
    chat = mergeChat(chat, m);
    if (countUnread && chat !== before && m.from !== me) unread++;
  }
  return { chat, unread };
}

/** An error as a translation key and its values, for the page to show. */
export interface ShownError {
  key: string;
  values?: Record<string, unknown>;
}

export function shownError(error: unknown): ShownError {
  if (error instanceof BrokerRequestError) {
    return error.retryAfterMs ? { key: `error.${error.code}`, values: { count: Math.ceil(error.retryAfterMs / 1000) } } : { key: `error.${error.code}`, values: { detail: error.message } };
  }
  return { key: "error.internal", values: { detail: error instanceof Error ? error.message : String(error) } };
}

export type SessionUpdate = Extract<ServerMessage, { type: "session.state" | "session.peer_joined" }>;
