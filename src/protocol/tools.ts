import { z } from "zod";

/**
 * Showing and handing over, beside viewing and control: drawing on the
 * sharer's screen, the sharer's clipboard, and files. Each is allowed by the
 * helper's role and the tenant (decided by the broker when a level is asked,
 * and again at every use), and the sharer can turn each off. Uses of the
 * clipboard and files are announced to the broker first, which refuses or
 * audits them; the bytes themselves go peer to peer, never through it.
 */
export const Tool = z.enum(["annotate", "clipboard", "files"]);
export type Tool = z.infer<typeof Tool>;

/** Text only; JSON-escaped it still fits one data-channel message (256 KiB in Chromium). */
export const MAX_CLIPBOARD_CHARS = 32_768;
export const MAX_FILE_NAME_CHARS = 255;
/** Uses of the clipboard and files one session may announce in a minute (a burst of this many, then one every 2 s). */
export const TOOL_USES_PER_MINUTE = 30;

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/);

export const ToolUse = z.discriminatedUnion("kind", [
  /** The helper sends text to the sharer's clipboard (its length is audited, never the text). */
  z.object({ kind: z.literal("clipboard.write"), chars: z.number().int().min(1).max(MAX_CLIPBOARD_CHARS) }),
  /** The helper asks for the text on the sharer's clipboard. */
  z.object({ kind: z.literal("clipboard.read") }),
  /** Either side offers a file from the chat; the other accepts or declines. */
  z.object({
    kind: z.literal("file.offer"),
    name: z.string().min(1).refine((s) => [...s].length <= MAX_FILE_NAME_CHARS, { message: `at most ${MAX_FILE_NAME_CHARS} characters` }),
    size: z.number().int().min(1).max(2 ** 40),
    sha256: sha256Hex,
  }),
]);
export type ToolUse = z.infer<typeof ToolUse>;
export const ToolUseKind = z.enum(["clipboard.write", "clipboard.read", "file.offer"]);
export type ToolUseKind = z.infer<typeof ToolUseKind>;

export function toolOf(kind: ToolUseKind): Tool {
  return kind === "file.offer" ? "files" : "clipboard";
}

/** What became of a use, told by the side it was for (or, for a file, either side cancelling). */
export const ToolOutcome = z.enum(["accepted", "declined", "completed", "failed", "cancelled"]);
export type ToolOutcome = z.infer<typeof ToolOutcome>;

/** The tools a session has: those the broker allows, less those the sharer turned off. */
export function toolOn(view: { tools: readonly Tool[]; toolsOff: readonly Tool[] } | null | undefined, tool: Tool): boolean {
  return !!view && view.tools.includes(tool) && !view.toolsOff.includes(tool);
}

/**
 * A file name as it may be saved: the last path part only, no control or
 * direction-changing characters (a "gpj.exe" shown as "exe.jpg"), none of
 * Windows' reserved names or characters, no leading dots (hidden files) or
 * trailing dots and spaces, at most 200 characters with its extension kept.
 */
export function safeFileName(name: string): string {
  const last = name.split(/[/\\]/).filter((part) => part !== "").pop() ?? "";
  let clean = last
    // eslint-disable-next-line no-control-regex -- removing control characters is the point
    .replace(/[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g, "")
    .replace(/[<>:"|?*]/g, "_")
    .replace(/^[.\s]+/, "")
    .replace(/[.\s]+$/, "");
  if (/^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$/i.test(clean)) clean = `_${clean}`;
  const chars = [...clean];
  if (chars.length > 200) {
    const dot = clean.lastIndexOf(".");
    const ext = dot > 0 && clean.length - dot <= 16 ? clean.slice(dot) : "";
    clean = chars.slice(0, 200 - [...ext].length).join("") + ext;
  }
  return clean || "file";
}
