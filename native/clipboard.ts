import { clipboard } from "@nut-tree-fork/nut-js";

/**
 * The OS clipboard, text only, through nut-js (clipboardy: pbcopy/pbpaste on
 * macOS, its own helper on Windows, xsel on X11). Main has asked the sharer
 * before anything reaches here.
 */
export function writeClipboard(text: string): Promise<void> {
  return clipboard.setContent(text);
}

export function readClipboard(): Promise<string> {
  return clipboard.getContent();
}
