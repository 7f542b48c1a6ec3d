import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import type { Me } from "../web-client/api.js";
import { ChatPanel } from "../ui/components/ChatPanel.js";
import { ErrorText } from "../ui/components/ErrorText.js";
import { ProfileCard } from "../ui/components/ProfileCard.js";
import { useStore } from "../ui/use-store.js";
import { formatCode, mmss, useNow } from "../ui/use-now.js";
import type { HelperSession } from "./helper-session.js";
import { DeviceWarnings } from "./DeviceWarnings.js";
import { RemoteScreen } from "./RemoteScreen.js";
import { FileTransfers } from "../ui/components/FileTransfers.js";
import { toolOn } from "../protocol/index.js";

/** One session from the helper's side, from the code to the end, each state unmistakable. */
export function SessionScreen({ helper, me }: { helper: HelperSession; me: Me }) {
  const { t } = useTranslation();
  const s = useStore(helper.store);
  const showChat = s.phase !== "code" && s.phase !== "ended" || s.chat.length > 0;
  return (
    <main className={`page session phase-${s.phase}`} data-testid="session" data-phase={s.phase}>
      {s.connection === "reconnecting" && <p className="banner warn" role="status" data-testid="reconnecting">{t("session.reconnecting")}</p>}
      {s.sharerAway && <SharerAway graceMs={s.sharerAway.graceMs} since={s.sharerAway.since} />}
      <div className="session-body">
        <div className="session-main">
          {s.phase === "code" && <CodeCard helper={helper} />}
          {s.phase === "trust" && <TrustStep helper={helper} me={me} />}
          {s.phase === "waiting" && <Waiting helper={helper} />}
          {s.phase === "active" && <RemoteScreen helper={helper} canControl={me.permissions.includes("session.control")} />}
          {s.phase === "ended" && <Ended helper={helper} />}
          <ErrorText error={s.error} />
        </div>
        {showChat && (
          <ChatPanel lines={s.chat} me="helper" disabled={!me.chatEnabled} ended={s.phase === "ended"} unread={s.unread} onSend={(text) => helper.sendChat(text)} onSeen={() => helper.markChatSeen()} files={s.view?.tools.includes("files") && s.phase === "active" ? <FileTransfers handOver={helper.handOver} canSend={toolOn(s.view, "files") && !s.view.paused} offReason={s.view.toolsOff.includes("files") ? t("files.offBySharer", { name: s.peer?.name ?? t("common.theSharer") }) : null} /> : null} />
        )}
      </div>
    </main>
  );
}

function CodeCard({ helper }: { helper: HelperSession }) {
  const { t } = useTranslation();
  const { code, link, expiresAt, targetDevice, offerStatus } = useStore(helper.store);
  const now = useNow();
  const [copied, setCopied] = useState<string | null>(null);
  const copy = (what: "code" | "link", text: string) =>
    void navigator.clipboard?.writeText(text).then(() => setCopied(what), () => setCopied(null));
  return (
    <section className="card code-card">
      <h1>{t("code.title")}</h1>
      {targetDevice && <p className="muted" dir="auto" data-testid="code-for-device">{t("code.forDevice", { name: targetDevice.name })}</p>}
      {targetDevice && (
        <p className={`banner ${offerStatus === "notified" ? "ok" : offerStatus === null ? "info" : "warn"}`} role="status" dir="auto" data-testid="offer-status" data-status={offerStatus ?? "pending"}>
          {t(`offer.${offerStatus ?? "pending"}`, { name: targetDevice.name })}
        </p>
      )}
      <p>{t("code.explanation")}</p>
      <p className="code" data-testid="session-code" aria-label={t("code.label")}>{formatCode(code ?? "")}</p>
      <p className="countdown" data-testid="code-countdown">{t("code.expiresIn", { time: mmss((expiresAt ?? now) - now) })}</p>
      <div className="row">
        <button type="button" onClick={() => copy("code", code ?? "")} data-testid="copy-code">{copied === "code" ? t("code.copied") : t("code.copyCode")}</button>
        <button type="button" onClick={() => copy("link", link ?? "")} data-testid="copy-link">{copied === "link" ? t("code.copied") : t("code.copyLink")}</button>
        <button type="button" className="danger" onClick={() => void helper.end()} data-testid="cancel-session">{t("code.cancel")}</button>
      </div>
      <p className="muted link-text">{link}</p>
    </section>
  );
}

function TrustStep({ helper, me }: { helper: HelperSession; me: Me }) {
  const { t } = useTranslation();
  const { peer, device, targetDevice, otherDevice } = useStore(helper.store);
  // A web sharer can grant view only (nothing on their side could inject input).
  const webSharer = device === null;
  const canControl = me.permissions.includes("session.control") && !webSharer;
  return (
    <section className="card trust" data-testid="trust-screen">
      <h1>{t("trust.helperTitle")}</h1>
      {peer && <ProfileCard party={peer} caption={t("trust.sharerCaption")} />}
      <DeviceWarnings device={device} targetDevice={targetDevice} otherDevice={otherDevice} />
      {webSharer && me.permissions.includes("session.control") && <p className="notice" data-testid="web-view-only">{t("trust.webViewOnly")}</p>}
      <div className="row">
        {canControl && <button type="button" className="primary" onClick={() => void helper.request("control")} data-testid="request-control">{t("trust.requestControl")}</button>}
        <button type="button" className={canControl ? "" : "primary"} onClick={() => void helper.request("view")} data-testid="request-view">{t("trust.requestView")}</button>
        <button type="button" className="danger" onClick={() => void helper.end()}>{t("session.end")}</button>
      </div>
    </section>
  );
}

function Waiting({ helper }: { helper: HelperSession }) {
  const { t } = useTranslation();
  const { peer, view, captureFailed } = useStore(helper.store);
  return (
    <section className="card waiting" data-testid="waiting-consent">
      <div className="spinner" aria-hidden />
      <h1 dir="auto">{t("waiting.title", { name: peer?.name ?? "" })}</h1>
      <p>{t(view?.requestedLevel === "control" ? "waiting.control" : "waiting.view")}</p>
      {captureFailed && (
        <p className="banner warn" role="alert" data-testid="capture-failed" data-reason={captureFailed} dir="auto">
          {t(`helper.captureFailed_${captureFailed}`, { name: peer?.name ?? t("common.theSharer") })}
        </p>
      )}
      <button type="button" className="danger" onClick={() => void helper.end()}>{t("session.end")}</button>
    </section>
  );
}

function Ended({ helper }: { helper: HelperSession }) {
  const { t } = useTranslation();
  const { view, peer, lostAfterMs } = useStore(helper.store);
  const reason = view?.endReason ?? "helper_ended";
  // A lost connection says for how long, when the broker told how long it would wait.
  const key = reason === "sharer_disconnected" && lostAfterMs !== null ? "end.sharer_disconnected_after" : `end.${reason}`;
  const bad = reason !== "helper_ended" && reason !== "sharer_ended" && reason !== "code_cancelled";
  return (
    <section className={`card ended ${bad ? "bad" : ""}`} role="status" data-testid="session-ended" data-reason={reason}>
      <h1>{t("ended.title")}</h1>
      <p className="reason" dir="auto" data-testid="end-reason">{t(key, { name: peer?.name ?? t("common.theSharer"), count: Math.round((lostAfterMs ?? 0) / 1000) })}</p>
      <div className="row">
        <button type="button" className="primary" onClick={() => void helper.create()}>{t("home.newSession")}</button>
        <button type="button" onClick={() => helper.reset()} data-testid="back-home">{t("ended.backHome")}</button>
      </div>
    </section>
  );
}

function SharerAway({ graceMs, since }: { graceMs: number; since: number }) {
  const { t } = useTranslation();
  const now = useNow();
  const [left, setLeft] = useState(graceMs);
  useEffect(() => setLeft(graceMs - (now - since)), [now, graceMs, since]);
  return (
    <p className="banner bad" role="alert" data-testid="sharer-away">
      {t("session.sharerAway", { time: mmss(left) })}
    </p>
  );
}
