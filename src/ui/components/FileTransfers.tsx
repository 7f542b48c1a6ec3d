import { useRef } from "react";
import { useTranslation } from "react-i18next";
import { safeFileName } from "../../protocol/index.js";
import type { HandOver, Transfer } from "../../web-client/hand-over.js";
import { useStore } from "../use-store.js";
import { ToolbarIcon } from "./ToolbarIcon.js";

/**
 * Files in the chat, both ways: Send a file, and each file with its size,
 * progress and what can be done now (accept or decline one offered, cancel one
 * on its way). `canSend` when the session has files on; `offTitle` says why not.
 */
export function FileTransfers({ handOver, canSend, offReason }: { handOver: HandOver; canSend: boolean; offReason: string | null }) {
  const { t, i18n } = useTranslation();
  const { transfers } = useStore(handOver.store);
  const picker = useRef<HTMLInputElement>(null);
  const size = (bytes: number) => new Intl.NumberFormat(i18n.language, { style: "unit", unit: bytes >= 1024 * 1024 ? "megabyte" : "kilobyte", maximumFractionDigits: 1 }).format(bytes >= 1024 * 1024 ? bytes / 1024 / 1024 : Math.max(0.1, bytes / 1024));
  return (
    <section className="files" aria-label={t("files.title")} data-testid="files">
      {transfers.length > 0 && (
        <ul className="transfers">
          {transfers.map((f) => (
            <TransferRow key={f.useId} f={f} size={size} handOver={handOver} />
          ))}
        </ul>
      )}
      <input ref={picker} type="file" hidden onChange={(e) => {
        for (const file of e.target.files ?? []) void handOver.offerFile(file);
        e.target.value = "";
      }} data-testid="file-input" />
      <button type="button" className="attach" disabled={!canSend} title={offReason ?? undefined} onClick={() => picker.current?.click()} data-testid="send-file">
        <ToolbarIcon name="attach" /> {t("files.send")}
      </button>
      {offReason && <p className="hint" data-testid="files-off">{offReason}</p>}
    </section>
  );
}

function TransferRow({ f, size, handOver }: { f: Transfer; size: (bytes: number) => string; handOver: HandOver }) {
  const { t } = useTranslation();
  const busy = f.status === "sending" || f.status === "receiving";
  return (
    <li className={`transfer ${f.direction}`} data-testid="transfer" data-status={f.status}>
      {/* The name it is saved under: no folders, no characters that turn text around ("gpj.exe" shown as "exe.jpg"). */}
      <bdi dir="auto" className="name">{safeFileName(f.name)}</bdi> <span className="size">{size(f.size)}</span>
      {busy && <progress max={f.size} value={f.done} aria-label={t("files.progress")} />}
      <span className="status" data-testid="transfer-status">{t(`files.status.${f.status}`)}</span>
      {f.status === "incoming" && (
        <>
          <button type="button" className="primary" onClick={() => void handOver.accept(f.useId)} data-testid="accept-file">{t("files.accept")}</button>
          <button type="button" onClick={() => void handOver.decline(f.useId)} data-testid="decline-file">{t("files.decline")}</button>
        </>
      )}
      {(busy || f.status === "offered") && <button type="button" onClick={() => void handOver.cancel(f.useId)} data-testid="cancel-file">{t("files.cancel")}</button>}
      {f.problem && <span className="problem" data-testid="transfer-problem">{t(f.problem.key, f.problem.values)}</span>}
    </li>
  );
}
