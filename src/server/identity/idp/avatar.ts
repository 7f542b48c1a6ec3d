import { createHash } from "node:crypto";
import { escapeHtml } from "./provider.js";

/** A directory photo for demo users: their initials on a colour derived from their id. */
export function avatarSvg(userId: string, displayName: string): string {
  const initials = [...displayName.trim().split(/\s+/).slice(0, 2)].map((w) => [...w][0] ?? "").join("").toUpperCase();
  const hue = createHash("sha256").update(userId).digest()[0]! * 1.4;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="96" height="96" viewBox="0 0 96 96" role="img" aria-label="${escapeHtml(displayName)}"><rect width="96" height="96" rx="48" fill="hsl(${hue.toFixed(0)} 45% 38%)"/><text x="48" y="58" font-family="system-ui,sans-serif" font-size="34" text-anchor="middle" fill="#fff">${escapeHtml(initials)}</text></svg>`;
}
