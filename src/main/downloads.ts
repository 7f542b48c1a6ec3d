import path from "node:path";
import { safeFileName } from "../protocol/index.js";
import { APP_ORIGIN } from "./shipped-ui.js";

/**
 * A download from the sharer page is a file the helper sent, already
 * hash-checked by the page (a blob of the app's own origin); anything else is
 * refused. The save dialog opens in the downloads folder with the name made
 * safe: no folders, no control or direction-changing characters, no reserved
 * names, so "../../.ssh/authorized_keys" or "invoice\u202Efdp.exe" cannot land
 * anywhere or look like anything but what they are.
 */
export function downloadPlan(url: string, suggestedName: string, downloadsDir: string): { defaultPath: string } | null {
  if (!url.startsWith(`blob:${APP_ORIGIN}/`)) return null;
  return { defaultPath: path.join(downloadsDir, safeFileName(suggestedName)) };
}
