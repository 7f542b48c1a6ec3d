import type { ShownError } from "./session-common.js";

/** What hand-over.ts keeps and shows: files on their way either side, and the clipboard's last use. */
export type TransferStatus = "hashing" | "offered" | "incoming" | "sending" | "receiving" | "sent" | "saved" | "declined" | "cancelled" | "failed" | "refused";

export interface Transfer {
  useId: string;
  direction: "out" | "in";
  name: string;
  size: number;
  status: TransferStatus;
  /** Bytes sent or received so far. */
  done: number;
  /** Why it failed or was refused, to be said in the page's language. */
  problem: ShownError | null;
}

export interface HandOverState {
  transfers: Transfer[];
  /** The sharer's clipboard text the helper asked for. */
  clipboardText: string | null;
  /** What became of the last clipboard use, as a translation key. */
  clipboardNotice: string | null;
}

/** What the side that acts on the sharer's computer provides (the sharer's page; the helper has none). */
export interface ClipboardHost {
  /** Writes the text after the sharer's consent: what became of it. */
  clipboardWrite(sessionId: string, text: string): Promise<"completed" | "declined" | "failed">;
  /** The clipboard's text after the sharer's consent; null when they said no. */
  clipboardRead(sessionId: string): Promise<string | null>;
}
