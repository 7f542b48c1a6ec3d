/**
 * Measurement-only hooks injected into the pages a benchmark drives, before
 * their own scripts run. Plain JavaScript in strings (see timecode-page.ts).
 */

/** Keeps the page's peer connection (to read its own statistics) and when it connected. */
export const KEEP_PEER = "(() => { const P = window.RTCPeerConnection; window.RTCPeerConnection = class extends P { constructor(c) { super(c); window.__peer = this; this.addEventListener('connectionstatechange', () => { if (this.connectionState === 'connected') window.__connectedAt = Date.now(); }); } }; })();";

/** When the sharer's screen capture was asked for and when it resolved. */
export const TIME_CAPTURE = "(() => { const md = navigator.mediaDevices, g = md.getDisplayMedia.bind(md); md.getDisplayMedia = async (c) => { window.__captureAskedAt = Date.now(); const s = await g(c); window.__captureAt = Date.now(); return s; }; })();";

/**
 * Counts the bytes every WebSocket of the page receives (a VNC client's whole
 * stream). A function returning the real socket rather than a subclass: noVNC
 * checks the socket's own shape.
 */
export const COUNT_WEBSOCKET_BYTES = "(() => { window.__wsBytes = 0; const W = window.WebSocket; const Counted = function (...a) { const ws = new W(...a); ws.addEventListener('message', (e) => { window.__wsBytes += e.data.byteLength ?? e.data.size ?? e.data.length ?? 0; }); return ws; }; Object.setPrototypeOf(Counted, W); Counted.prototype = W.prototype; window.WebSocket = Counted; })();";

/** Helper side: when each key-down reached the page. */
export const STAMP_KEYDOWNS = "(() => { window.__keydowns = []; addEventListener('keydown', () => window.__keydowns.push(Date.now()), true); })();";

/** Sharer side: when each key-down message arrived on a data channel. */
export const STAMP_KEY_MESSAGES = "(() => { window.__keyMessages = []; const create = RTCPeerConnection.prototype.createDataChannel; RTCPeerConnection.prototype.createDataChannel = function (...a) { const channel = create.apply(this, a); channel.addEventListener('message', (e) => { const m = String(e.data); if (m.includes('\"t\":\"key\"') && m.includes('\"down\":true')) window.__keyMessages.push(Date.now()); }); return channel; }; })();";
