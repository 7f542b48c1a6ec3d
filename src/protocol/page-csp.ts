/**
 * The Content-Security-Policy the console and the sharer page run under:
 * scripts, styles and connections only from the broker that served them
 * (WebRTC media is peer to peer and not governed by CSP). The broker sends it
 * with every page; the desktop app enforces it again on its window, so a
 * proxy in between cannot loosen it.
 */
export const PAGE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob: https:",
  "media-src 'self' blob:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "object-src 'none'",
].join("; ");
