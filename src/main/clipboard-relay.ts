import { z } from "zod";
import { MAX_CLIPBOARD_CHARS, type SessionView, toolOn } from "../protocol/index.js";

/**
 * The OS clipboard for the helper, decided on the sharer's machine: only for
 * the session the page last reported, while it is shared and not paused and
 * the sharer has the clipboard on; each direction asks the sharer in main's
 * own prompt the first time in a session (a page cannot draw over it or click
 * it); text at most MAX_CLIPBOARD_CHARS. The agent then writes or reads it
 * (and checks its own grant).
 */
export type ClipboardDirection = "to_sharer" | "from_sharer";

export interface ClipboardAgent {
  clipboardWrite(sessionId: string, text: string): Promise<boolean>;
  /** The text, or null when it could not be read. */
  clipboardRead(sessionId: string): Promise<string | null>;
}

export type ClipboardPrompt = (request: { direction: ClipboardDirection; helperName: string | null }) => Promise<boolean>;

const SessionId = z.string().uuid();
const Text = z.string().min(1).max(MAX_CLIPBOARD_CHARS);

export function createClipboardRelay(o: { agent: ClipboardAgent; ask: ClipboardPrompt; log?: (message: string) => void }) {
  let view: SessionView | null = null;
  let helperName: string | null = null;
  /** Directions the sharer allowed, for the session they allowed them in. */
  let consented: { sessionId: string; directions: Set<ClipboardDirection> } | null = null;
  let prompting = false;

  const refusal = (sessionId: unknown): string | null => {
    const id = SessionId.safeParse(sessionId);
    if (!id.success || !view || view.sessionId !== id.data) return "not this session";
    if (view.status !== "active" || view.paused) return "not shared now";
    return toolOn(view, "clipboard") ? null : "the clipboard is off";
  };

  async function consent(sessionId: string, direction: ClipboardDirection): Promise<boolean> {
    if (consented?.sessionId === sessionId && consented.directions.has(direction)) return true;
    if (prompting) return false; // one prompt at a time; a second ask while one is open is a no
    prompting = true;
    try {
      if (!(await o.ask({ direction, helperName }))) return false;
    } finally {
      prompting = false;
    }
    if (consented?.sessionId !== sessionId) consented = { sessionId, directions: new Set() };
    consented.directions.add(direction);
    return true;
  }

  return {
    /** The session as the page last reported it, already parsed (bridge-channels.ts), and who helps. */
    sessionChanged(state: SessionView | null, name: string | null = null): void {
      view = state;
      helperName = name;
      if (!view || view.status === "ended" || consented?.sessionId !== view.sessionId) consented = null;
    },

    async write(sessionId: unknown, text: unknown): Promise<"completed" | "declined" | "failed"> {
      const why = refusal(sessionId) ?? (Text.safeParse(text).success ? null : "not clipboard text");
      if (why) return (o.log?.(`clipboard write refused: ${why}`), "failed");
      if (!(await consent(sessionId as string, "to_sharer"))) return "declined";
      // The state may have changed while the prompt was open.
      if (refusal(sessionId)) return "failed";
      return (await o.agent.clipboardWrite(sessionId as string, text as string)) ? "completed" : "failed";
    },

    /** The clipboard's text, null when the sharer said no; throws when it cannot be given. */
    async read(sessionId: unknown): Promise<string | null> {
      const why = refusal(sessionId);
      if (why) throw new Error(`clipboard read refused: ${why}`);
      if (!(await consent(sessionId as string, "from_sharer"))) return null;
      if (refusal(sessionId)) throw new Error("clipboard read refused: not shared now");
      const text = await o.agent.clipboardRead(sessionId as string);
      if (text === null || text.length > MAX_CLIPBOARD_CHARS) throw new Error("the clipboard could not be read or is too long");
      return text;
    },
  };
}
export type ClipboardRelay = ReturnType<typeof createClipboardRelay>;
