import { ClipboardText, MAX_CLIPBOARD_CHARS, type PartyRole, type ServerMessage, type SessionView, type Tool, type ToolOutcome, type ToolUse, toolOn } from "../protocol/index.js";
import type { BrokerConnection } from "./broker-connection.js";
import { fileChannelUseId, receiveFile, sendFile, sha256Hex, TransferError } from "./file-transfer.js";
import { parsedMessage } from "./peer-link.js";
import { shownError } from "./session-common.js";
import { Store } from "./store.js";
import type { ClipboardHost, HandOverState, Transfer } from "./hand-over-types.js";

export type { ClipboardHost, HandOverState, Transfer, TransferStatus } from "./hand-over-types.js";

/**
 * Handing over, on either side of a session: files offered from the chat
 * (accepted or declined per file, sent peer to peer, hash-checked), and the
 * clipboard (the helper sends text or asks for the sharer's; the sharer's
 * host writes or reads it after its own consent). Every use is announced to
 * the broker first (tool.use), and what became of it is told back
 * (tool.answer); the side a use is for checks it against the broker's word
 * before acting on anything that arrives peer to peer.
 */
const KEPT_TRANSFERS = 50;
/** Clipboard text that came peer to peer before the broker's word about it (another broker, a slower path) waits this long, this many at most. */
const EARLY_TEXT_MS = 10_000;
const EARLY_TEXTS = 4;

export class HandOver {
  readonly store = new Store<HandOverState>({ transfers: [], clipboardText: null, clipboardNotice: null });
  private pc: RTCPeerConnection | null = null;
  private tools: RTCDataChannel | null = null;
  private readonly outgoing = new Map<string, { file: File; abort: AbortController }>();
  private readonly incoming = new Map<string, { size: number; sha256: string; abort: AbortController; accepted: boolean; name: string }>();
  /** Clipboard uses announced to this side (sharer: writes and reads to do; helper: reads it asked for). */
  private readonly clipboardUses = new Map<string, { kind: "clipboard.write" | "clipboard.read"; chars?: number }>();
  private readonly earlyTexts = new Map<string, { text: string; at: number }>();

  constructor(private readonly o: {
    role: PartyRole;
    connection: () => BrokerConnection | null;
    view: () => SessionView | null;
    clipboard?: ClipboardHost;
    save: (file: Blob, name: string) => void;
  }) {}

  /** The peer link of the session (again after a new one): file channels and clipboard text arrive on it. */
  attach(link: { pc: RTCPeerConnection; tools: RTCDataChannel } | null): void {
    this.pc = link?.pc ?? null;
    this.tools = link?.tools ?? null;
    if (!link) return;
    link.pc.addEventListener("datachannel", (event) => this.fileChannel(event.channel));
    link.tools.onmessage = (event) => {
      const message = parsedMessage(event.data, MAX_CLIPBOARD_CHARS * 6 + 200, (raw) => ClipboardText.parse(raw));
      if (message) this.clipboardArrived(message.useId, message.text);
    };
  }

  on(tool: Tool): boolean {
    return toolOn(this.o.view(), tool);
  }

  /** The broker's word about a use: one announced to this side, or what became of one this side made. */
  receive(message: ServerMessage): void {
    const sessionId = this.o.view()?.sessionId;
    if (!("sessionId" in message) || message.sessionId !== sessionId) return;
    if (message.type === "tool.used") void this.used(message.useId, message.use);
    else if (message.type === "tool.answered") this.answered(message.useId, message.outcome);
  }

  // ---- files -----------------------------------------------------------------

  async offerFile(file: File): Promise<void> {
    const useId = crypto.randomUUID();
    this.track({ useId, direction: "out", name: file.name, size: file.size, status: "hashing", done: 0, problem: null });
    try {
      const sha256 = await sha256Hex(file);
      this.outgoing.set(useId, { file, abort: new AbortController() });
      await this.announce(useId, { kind: "file.offer", name: file.name.slice(0, 255) || "file", size: file.size, sha256 });
      this.update(useId, { status: "offered" });
    } catch (error) {
      this.outgoing.delete(useId);
      this.update(useId, { status: "refused", problem: shownError(error) });
    }
  }

  async accept(useId: string): Promise<void> {
    const offer = this.incoming.get(useId);
    if (!offer || offer.accepted) return;
    if (!this.on("files")) return this.decline(useId);
    offer.accepted = true;
    this.update(useId, { status: "receiving" });
    await this.answer(useId, "file.offer", "accepted");
  }

  async decline(useId: string): Promise<void> {
    if (!this.incoming.delete(useId)) return;
    this.update(useId, { status: "declined" });
    await this.answer(useId, "file.offer", "declined");
  }

  /** Either side stops a file on its way (or an offer not yet answered). */
  async cancel(useId: string): Promise<void> {
    const mine = this.outgoing.get(useId) ?? this.incoming.get(useId);
    if (!mine) return;
    this.outgoing.delete(useId);
    this.incoming.delete(useId);
    mine.abort.abort();
    this.update(useId, { status: "cancelled" });
    await this.answer(useId, "file.offer", "cancelled");
  }

  private fileChannel(channel: RTCDataChannel) {
    const useId = fileChannelUseId(channel);
    const offer = useId ? this.incoming.get(useId) : undefined;
    // Only a channel for a file this side accepted: anything else is closed unread.
    if (!useId || !offer?.accepted) return channel.close();
    receiveFile(channel, offer, (done) => this.progress(useId, done), offer.abort.signal).then(
      (blob) => {
        this.incoming.delete(useId);
        this.o.save(blob, offer.name);
        this.update(useId, { status: "saved", done: offer.size });
        void this.answer(useId, "file.offer", "completed");
      },
      (error: unknown) => {
        if (!this.incoming.delete(useId)) return; // cancelled here
        const reason = error instanceof TransferError ? error.reason : "closed";
        this.update(useId, { status: reason === "cancelled" ? "cancelled" : "failed", problem: { key: `files.problem.${reason}` } });
        void this.answer(useId, "file.offer", reason === "cancelled" ? "cancelled" : "failed");
      },
    );
  }

  // ---- clipboard ---------------------------------------------------------------

  /** The helper sends text to the sharer's clipboard. */
  async sendClipboard(text: string): Promise<void> {
    const useId = crypto.randomUUID();
    this.store.set({ clipboardNotice: "clipboard.sending" });
    try {
      await this.announce(useId, { kind: "clipboard.write", chars: text.length });
      this.clipboardUses.set(useId, { kind: "clipboard.write" });
      if (this.tools?.readyState !== "open") throw new Error("no link");
      this.tools.send(JSON.stringify({ t: "clipboard", useId, text }));
    } catch {
      this.store.set({ clipboardNotice: "clipboard.failed" });
    }
  }

  /** The helper asks for the sharer's clipboard; the text comes peer to peer. */
  async askClipboard(): Promise<void> {
    const useId = crypto.randomUUID();
    this.clipboardUses.set(useId, { kind: "clipboard.read" });
    this.store.set({ clipboardNotice: "clipboard.asking", clipboardText: null });
    await this.announce(useId, { kind: "clipboard.read" }).catch(() => this.store.set({ clipboardNotice: "clipboard.failed" }));
  }

  private clipboardArrived(useId: string, text: string) {
    const use = this.clipboardUses.get(useId);
    if (!use) {
      const now = Date.now();
      for (const [id, early] of this.earlyTexts) if (now - early.at > EARLY_TEXT_MS) this.earlyTexts.delete(id);
      if (this.earlyTexts.size < EARLY_TEXTS) this.earlyTexts.set(useId, { text, at: now });
      return;
    }
    this.clipboardUses.delete(useId);
    if (this.o.role === "helper") {
      if (use.kind === "clipboard.read") this.store.set({ clipboardText: text, clipboardNotice: null });
      return;
    }
    // The sharer writes only text of the length the broker announced, while the clipboard is on.
    if (use.kind !== "clipboard.write" || text.length !== use.chars || !this.on("clipboard") || !this.o.clipboard) return void this.answer(useId, use.kind, "failed");
    const sessionId = this.o.view()!.sessionId;
    void this.o.clipboard.clipboardWrite(sessionId, text).then((outcome) => this.answer(useId, "clipboard.write", outcome), () => this.answer(useId, "clipboard.write", "failed"));
  }

  private async clipboardRead(useId: string) {
    const sessionId = this.o.view()?.sessionId;
    const text = sessionId && this.on("clipboard") && this.o.clipboard ? await this.o.clipboard.clipboardRead(sessionId).catch(() => undefined) : undefined;
    if (text === null) return this.answer(useId, "clipboard.read", "declined");
    if (text === undefined || text.length > MAX_CLIPBOARD_CHARS || this.tools?.readyState !== "open") return this.answer(useId, "clipboard.read", "failed");
    this.tools.send(JSON.stringify({ t: "clipboard", useId, text }));
    await this.answer(useId, "clipboard.read", "completed", text.length);
  }

  // ---- the broker's word -------------------------------------------------------

  private async used(useId: string, use: ToolUse) {
    if (use.kind === "file.offer") {
      if (this.incoming.size >= KEPT_TRANSFERS) return void this.answer(useId, "file.offer", "declined");
      this.incoming.set(useId, { size: use.size, sha256: use.sha256, abort: new AbortController(), accepted: false, name: use.name });
      this.track({ useId, direction: "in", name: use.name, size: use.size, status: "incoming", done: 0, problem: null });
      return;
    }
    if (this.o.role !== "sharer") return;
    if (use.kind === "clipboard.read") return this.clipboardRead(useId);
    this.clipboardUses.set(useId, { kind: use.kind, chars: use.chars });
    const early = this.earlyTexts.get(useId);
    if (early) {
      this.earlyTexts.delete(useId);
      this.clipboardArrived(useId, early.text);
    }
  }

  private answered(useId: string, outcome: ToolOutcome) {
    const out = this.outgoing.get(useId);
    if (out) {
      if (outcome === "accepted" && this.pc) {
        this.update(useId, { status: "sending" });
        // The receiver's own word settles it as sent; a failure is told by the broker (declined, failed, cancelled).
        sendFile(this.pc, useId, out.file, (done) => this.progress(useId, done), out.abort.signal).then(() => this.answered(useId, "completed"), () => undefined);
        return;
      }
      this.outgoing.delete(useId);
      out.abort.abort();
      this.update(useId, { status: outcome === "completed" ? "sent" : outcome === "accepted" ? "failed" : outcome });
      return;
    }
    const incoming = this.incoming.get(useId);
    if (incoming && outcome === "cancelled") {
      this.incoming.delete(useId);
      incoming.abort.abort();
      this.update(useId, { status: "cancelled" });
      return;
    }
    if (this.o.role === "helper" && !this.transfer(useId)) {
      const read = this.clipboardUses.get(useId)?.kind === "clipboard.read";
      if (outcome !== "completed") this.clipboardUses.delete(useId);
      const key = outcome === "completed" ? (read ? null : "clipboard.sent") : outcome === "declined" ? "clipboard.declined" : "clipboard.failed";
      if (key || !read) this.store.set({ clipboardNotice: key });
    }
  }

  private async announce(useId: string, use: ToolUse): Promise<void> {
    const connection = this.o.connection();
    const sessionId = this.o.view()?.sessionId;
    if (!connection || !sessionId) throw new Error("not in a session");
    await connection.request({ type: "tool.use", sessionId, useId, use }, "tool.ack");
  }

  private async answer(useId: string, kind: ToolUse["kind"], outcome: ToolOutcome, chars?: number): Promise<void> {
    const connection = this.o.connection();
    const sessionId = this.o.view()?.sessionId;
    if (!connection || !sessionId) return;
    await connection.request({ type: "tool.answer", sessionId, useId, kind, outcome, ...(chars !== undefined ? { chars } : {}) }, "tool.ack").catch(() => undefined);
  }

  // ---- state -------------------------------------------------------------------

  private transfer(useId: string): Transfer | undefined {
    return this.store.get().transfers.find((t) => t.useId === useId);
  }

  private track(transfer: Transfer) {
    this.store.set((s) => ({ transfers: [...s.transfers, transfer].slice(-KEPT_TRANSFERS) }));
  }

  private update(useId: string, patch: Partial<Transfer>) {
    this.store.set((s) => ({ transfers: s.transfers.map((t) => (t.useId === useId ? { ...t, ...patch } : t)) }));
  }

  /** Progress at most every 1 %, so a 200 MB file does not re-render the page 3,000 times. */
  private progress(useId: string, done: number) {
    const t = this.transfer(useId);
    if (t && (done === t.size || done - t.done >= t.size / 100)) this.update(useId, { done });
  }

  /** A new session: nothing of the last one shows. */
  forget(): void {
    this.stopAll();
    this.store.set({ transfers: [], clipboardText: null, clipboardNotice: null });
  }

  /** The session ended: every file on its way stops. */
  stopAll(): void {
    for (const [useId, t] of [...this.outgoing, ...this.incoming]) {
      t.abort.abort();
      this.update(useId, { status: "cancelled" });
    }
    this.outgoing.clear();
    this.incoming.clear();
    this.clipboardUses.clear();
  }
}
