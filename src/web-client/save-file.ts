import { safeFileName } from "../protocol/index.js";

/**
 * Saves a received file the way the browser downloads one, under a name made
 * safe first (protocol/tools.ts): in a browser to its downloads; in the
 * desktop app main's download handler asks where (with the same safe name).
 */
export function saveFile(file: Blob, name: string): void {
  const url = URL.createObjectURL(file);
  const a = document.createElement("a");
  a.href = url;
  a.download = safeFileName(name);
  a.rel = "noopener";
  document.body.append(a);
  a.click();
  a.remove();
  // The download has its own reference by now; the page's goes after a moment.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
