import { type FormEvent, type ReactNode, useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { ToolbarIcon } from "./ToolbarIcon.js";
import { MAX_CHAT_CHARS, type PartyRole } from "../../protocol/index.js";
import type { ChatLine } from "../../web-client/chat.js";

/**
 * The session's chat: any language; each message's direction is its own
 * (`dir="auto"`), so Arabic reads right to left inside an English page.
 */
export function ChatPanel({ lines, me, disabled, ended = false, onSend, unread, onSeen, files }: { lines: ChatLine[]; me: PartyRole; disabled: boolean; ended?: boolean; onSend: (text: string) => void; unread: number; onSeen: () => void; files?: ReactNode }) {
  const { t, i18n } = useTranslation();
  const [draft, setDraft] = useState("");
  const [copied, setCopied] = useState(false);
  // After the end the thread stays to read and copy; nothing more can be sent.
  const copyTranscript = () => {
    const text = lines.map((l) => `${new Date(l.at).toLocaleTimeString(i18n.language, { hour: "2-digit", minute: "2-digit" })} ${l.from === me ? t("chat.you") : l.senderName}: ${l.text}`).join("\n");
    void navigator.clipboard?.writeText(text).then(() => setCopied(true), () => setCopied(false));
  };
  const end = useRef<HTMLLIElement>(null);
  useEffect(() => {
    // Newer browsers return a promise from scrollIntoView; an effect must not return it.
    void end.current?.scrollIntoView?.({ block: "end" });
  }, [lines.length]);

  function submit(e: FormEvent) {
    e.preventDefault();
    const text = draft.trim();
    if (!text || [...text].length > MAX_CHAT_CHARS) return;
    onSend(text);
    setDraft("");
  }

  return (
    <aside className="chat" aria-label={t("chat.title")} data-testid="chat-panel" onFocus={onSeen} onPointerDown={onSeen}>
      <h2>
        {t("chat.title")} {unread > 0 && <span className="unread" data-testid="chat-unread">{t("chat.unread", { count: unread })}</span>}
      </h2>
      {disabled ? (
        <p className="notice" data-testid="chat-disabled">{t("chat.disabled")}</p>
      ) : (
        <>
          <ol className="thread" data-testid="chat-thread">
            {lines.map((line) => (
              <li key={line.key} className={line.from === me ? "mine" : "theirs"} data-testid="chat-line">
                <span className="who">{line.from === me ? t("chat.you") : line.senderName}</span>
                <bdi dir="auto" className="text">{line.text}</bdi>
                <time>{line.seq === null ? t("chat.sending") : new Date(line.at).toLocaleTimeString(i18n.language, { hour: "2-digit", minute: "2-digit" })}</time>
              </li>
            ))}
            <li ref={end} className="anchor" aria-hidden />
          </ol>
          {files}
          {ended ? (
            <p className="notice chat-ended" data-testid="chat-ended">
              {t("chat.ended")}{" "}
              {lines.length > 0 && (
                <button type="button" onClick={copyTranscript} data-testid="copy-transcript">{t(copied ? "chat.copied" : "chat.copyTranscript")}</button>
              )}
            </p>
          ) : (
            <form onSubmit={submit}>
              <input dir="auto" value={draft} maxLength={MAX_CHAT_CHARS * 2} onChange={(e) => setDraft(e.target.value)} placeholder={t("chat.placeholder")} aria-label={t("chat.placeholder")} data-testid="chat-input" />
              {/* An icon, named for screen readers and on hover: the input keeps the room in every language. */}
              <button type="submit" className="icon-button" disabled={!draft.trim()} aria-label={t("chat.send")} title={t("chat.send")} data-testid="chat-send">
                <ToolbarIcon name="send" />
              </button>
            </form>
          )}
        </>
      )}
    </aside>
  );
}
