import { useState } from "react";
import { useTranslation } from "react-i18next";
import { MAX_CLIPBOARD_CHARS } from "../protocol/index.js";
import type { HandOver } from "../web-client/hand-over.js";
import { useStore } from "../ui/use-store.js";

/**
 * The sharer's clipboard, from the helper's side: send text to it, or ask for
 * what is on it (the sharer is asked the first time each way). Only with the
 * desktop app: a web page cannot write the clipboard while it is not focused.
 */
export function ClipboardPanel({ handOver, why }: { handOver: HandOver; why: string | null }) {
  const { t } = useTranslation();
  const s = useStore(handOver.store);
  const [draft, setDraft] = useState("");
  const [copied, setCopied] = useState(false);
  return (
    <section className="clipboard-panel" aria-label={t("clipboard.title")} data-testid="clipboard-panel">
      {why ? (
        <p className="hint" data-testid="clipboard-unavailable">{why}</p>
      ) : (
        <>
          <textarea dir="auto" value={draft} maxLength={MAX_CLIPBOARD_CHARS} onChange={(e) => setDraft(e.target.value)} placeholder={t("clipboard.placeholder")} aria-label={t("clipboard.placeholder")} data-testid="clipboard-draft" />
          <span>
            <button type="button" className="primary" disabled={!draft} onClick={() => void handOver.sendClipboard(draft)} data-testid="clipboard-send">{t("clipboard.send")}</button>{" "}
            <button type="button" onClick={() => void handOver.askClipboard()} data-testid="clipboard-ask">{t("clipboard.ask")}</button>
          </span>
          {s.clipboardText !== null && (
            <>
              <textarea dir="auto" readOnly value={s.clipboardText} aria-label={t("clipboard.theirs")} data-testid="clipboard-theirs" />
              <span>
                <button type="button" onClick={() => void navigator.clipboard?.writeText(s.clipboardText ?? "").then(() => setCopied(true))} data-testid="clipboard-copy">{t(copied ? "chat.copied" : "clipboard.copy")}</button>
              </span>
            </>
          )}
        </>
      )}
      {s.clipboardNotice && <p className="hint" role="status" data-testid="clipboard-notice">{t(s.clipboardNotice)}</p>}
    </section>
  );
}
