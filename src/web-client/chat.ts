import type { ChatMessage } from "../protocol/index.js";

/** A chat line as a page shows it: the broker's message, or one still on its way. */
export interface ChatLine extends Omit<ChatMessage, "seq"> {
  seq: number | null; // null while the broker has not acknowledged it
  key: string;
}

/** Adds a message in sequence order, replacing its unacknowledged copy. */
export function mergeChat(lines: ChatLine[], incoming: ChatMessage): ChatLine[] {
  if (lines.some((l) => l.seq === incoming.seq)) return lines;
  const pendingIndex = lines.findIndex((l) => l.seq === null && l.from === incoming.from && l.text === incoming.text);
  const rest = pendingIndex >= 0 ? lines.filter((_, i) => i !== pendingIndex) : lines;
  const line: ChatLine = { ...incoming, key: `s${incoming.seq}` };
  const acknowledged = [...rest.filter((l) => l.seq !== null), line].sort((a, b) => a.seq! - b.seq!);
  return [...acknowledged, ...rest.filter((l) => l.seq === null)];
}
