import type { ChatMessage } from "../../protocol/index.js";
import type { StoredChatMessage } from "../store/store.js";

/** A stored chat line as the protocol carries it. */
export function toChatMessage(m: StoredChatMessage): ChatMessage {
  return { seq: m.seq, from: m.senderRole, senderName: m.senderName, text: m.text, at: m.createdAt };
}

export const PAGE_MESSAGES = 200;

/** The first messages that fit in `maxBytes` of JSON (at least one), and whether any were left out. */
export function chatPage(stored: StoredChatMessage[], maxBytes: number, maxMessages = PAGE_MESSAGES): { messages: ChatMessage[]; more: boolean } {
  const messages: ChatMessage[] = [];
  let bytes = 0;
  for (const m of stored.slice(0, maxMessages)) {
    const message = toChatMessage(m);
    bytes += Buffer.byteLength(JSON.stringify(message));
    if (bytes > maxBytes && messages.length > 0) break;
    messages.push(message);
  }
  return { messages, more: messages.length < stored.length };
}
