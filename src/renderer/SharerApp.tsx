import { useCallback, useEffect, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { loadMe, type Me } from "../web-client/api.js";
import { ChatPanel } from "../ui/components/ChatPanel.js";
import { ErrorText } from "../ui/components/ErrorText.js";
import { LanguagePicker } from "../ui/components/LanguagePicker.js";
import { ProfileCard } from "../ui/components/ProfileCard.js";
import { SignInScreen } from "../ui/components/SignInScreen.js";
import { useStore } from "../ui/use-store.js";
import { CodeEntry } from "./CodeEntry.js";
import { PermissionOnboarding } from "./PermissionOnboarding.js";
import type { SharerHost } from "./sharer-host.js";
import { SharerSession } from "./sharer-session.js";
import { SharedPictureIfWeb, ToolSwitches } from "./SharerToolsPanel.js";
import { FileTransfers } from "../ui/components/FileTransfers.js";
import { type SessionView, toolOn } from "../protocol/index.js";

/** The page a person opens to get help: sign in, enter the code, see who it is, allow, share. */
export function SharerApp({ host }: { host: SharerHost }) {
  const { t } = useTranslation();
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  const [appSignedIn, setAppSignedIn] = useState(false);
  const [failed, setFailed] = useState<string | null>(null);
  useEffect(() => {
    // The desktop app may have signed in itself (a token from its bridge); otherwise the page's own sign-in.
    // The app's own UI (not served by the broker) has no console cookie to ask with.
    Promise.all([host.brokerOrigin ? null : loadMe(), host.token()]).then(([who, token]) => (setAppSignedIn(token !== undefined), setMe(who)), (e: Error) => setFailed(e.message));
  }, [host]);
  if (failed) return <main className="center-card"><p className="error">{failed}</p></main>;
  if (me === undefined) return <main className="center-card" aria-busy="true">{t("common.loading")}</main>;
  if (me === null && !appSignedIn) return <SignInScreen title={t("sharer.title")} explanation={t("sharer.signInExplanation")} />;
  return <Sharing host={host} myName={me?.user.name ?? ""} myUserId={me?.user.userId} chatEnabled={me?.chatEnabled ?? true} />;
}

function Sharing({ host, myName, myUserId, chatEnabled }: { host: SharerHost; myName: string; myUserId?: string; chatEnabled: boolean }) {
  const { t } = useTranslation();
  const session = useMemo(() => new SharerSession(host, myName, myUserId), [host, myName, myUserId]);
  useEffect(() => () => session.dispose(), [session]);
  // A reload keeps the tab in its session: back in with the resume token this tab kept.
  useEffect(() => void session.restore().then((back) => (back ? undefined : session.offers.listen())), [session]);
  const s = useStore(session.store);
  const initialCode = new URLSearchParams(location.search).get("code") ?? "";
  const showChat = s.phase !== "code" && s.phase !== "joining";
  // A code from a link works once: once in, it leaves the address, so Get help again (or a reload that cannot resume) starts empty.
  useEffect(() => {
    if (!showChat || !initialCode) return;
    const url = new URL(location.href);
    url.searchParams.delete("code");
    history.replaceState(history.state, "", url);
  }, [showChat, initialCode]);

  return (
    <div className={`sharer phase-${s.phase}`} data-testid="sharer" data-phase={s.phase}>
      {s.phase === "sharing" && s.view && !s.screenLost && <SharingBar session={session} host={host} />}
      <header className="topbar">
        <span className="brand">Tandem</span>
        <span className="spacer" />
        {myName && <span className="who" dir="auto" data-testid="signed-in-as">{myName}</span>}
        <LanguagePicker />
      </header>
      {s.connection === "reconnecting" && <p className="banner warn" role="status">{t("session.reconnecting")}</p>}
      {s.helperAway && <p className="banner warn" role="status" data-testid="helper-away">{t("sharer.helperAway")}</p>}
      <div className="session-body">
        <main className="session-main">
          {s.phase === "code" && s.offer && <OfferCard session={session} />}
          {(s.phase === "code" || s.phase === "joining") && (
            <section className="card">
              <h1>{t("sharer.enterCode")}</h1>
              <p>{t("sharer.enterCodeExplanation")}</p>
              <CodeEntry initial={initialCode} busy={s.phase === "joining"} onSubmit={(code) => void session.join(code)} />
            </section>
          )}
          {s.phase === "connected" && s.helper && (
            <section className="card trust" data-testid="sharer-connected">
              <ProfileCard party={s.helper} caption={t("trust.helperCaption")} />
              <p>{t("sharer.waitingForRequest", { name: s.helper.name })}</p>
              <button type="button" className="danger" onClick={() => void session.end()}>{t("session.end")}</button>
            </section>
          )}
          {s.phase === "asked" && s.helper && s.view && <TrustScreen session={session} host={host} />}
          {s.phase === "sharing" && <SharingPanel session={session} host={host} />}
          {s.phase === "ended" && (
            <section className="card ended" role="status" data-testid="sharer-ended" data-reason={s.view?.endReason ?? ""}>
              <h1>{t("ended.title")}</h1>
              <p dir="auto" data-testid="sharer-end-reason">{t(sharerEndKey(s.view?.endReason ?? "sharer_ended", s.helperGraceMs), { name: s.helper?.name ?? "", count: Math.round((s.helperGraceMs ?? 0) / 1000) })}</p>
              <div className="row">
                <button type="button" className="primary" onClick={() => session.startOver()} data-testid="get-help-again">{t("sharer.getHelpAgain")}</button>
              </div>
            </section>
          )}
          <ErrorText error={s.error} />
        </main>
        {showChat && <ChatPanel lines={s.chat} me="sharer" disabled={!chatEnabled} ended={s.phase === "ended"} unread={s.unread} onSend={(text) => session.sendChat(text)} onSeen={() => session.markChatSeen()} files={filesPanel(session, s.view, t)} />}
      </div>
    </div>
  );
}

/** Files in the chat, while the session has them: the helper's role and the organisation allow them. */
function filesPanel(session: SharerSession, view: SessionView | null, t: (key: string) => string) {
  if (!view?.tools.includes("files") || view.status === "ended") return null;
  return <FileTransfers handOver={session.tools.handOver} canSend={toolOn(view, "files") && view.status === "active" && !view.paused} offReason={view.status === "active" ? null : t("files.whenSharing")} />;
}

/** A lost connection says for how long, when the broker told how long it would wait. */
function sharerEndKey(reason: string, graceMs: number | null): string {
  return reason === "helper_disconnected" && graceMs !== null ? "sharerEnd.helper_disconnected_after" : `sharerEnd.${reason}`;
}

/** A helper wants to help this device: who, verified, and Join or Not now (the code below still works). */
function OfferCard({ session }: { session: SharerSession }) {
  const { t } = useTranslation();
  const { offer } = useStore(session.store);
  if (!offer) return null;
  return (
    <section className="card trust" role="alert" data-testid="offer">
      <h1 dir="auto">{t("sharer.offerTitle", { name: offer.helper.name, company: offer.helper.company || offer.helper.tenantName })}</h1>
      <ProfileCard party={offer.helper} caption={t("trust.helperCaption")} />
      <p>{t("sharer.offerExplanation")}</p>
      <div className="row">
        <button type="button" className="primary big" onClick={() => void session.offers.accept()} data-testid="offer-join">{t("sharer.offerJoin")}</button>
        <button type="button" className="big" onClick={() => void session.offers.decline()} data-testid="offer-not-now">{t("sharer.offerNotNow")}</button>
      </div>
    </section>
  );
}

function TrustScreen({ session, host }: { session: SharerSession; host: SharerHost }) {
  const { t } = useTranslation();
  const { helper, view } = useStore(session.store);
  const wantsControl = view?.requestedLevel === "control";
  const [osReady, setOsReady] = useState<{ ready: boolean; unsupported: string | null }>({ ready: !host.permissions, unsupported: null });
  const onReady = useCallback((ready: boolean, unsupported: string | null) => setOsReady({ ready, unsupported }), []);
  const canGrant = (!wantsControl || host.canGrantControl) && !(wantsControl && osReady.unsupported);
  return (
    <section className="card trust" data-testid="sharer-trust">
      <h1 dir="auto">{t(wantsControl ? "sharer.asksControl" : "sharer.asksView", { name: helper!.name })}</h1>
      <ProfileCard party={helper!} caption={t("trust.helperCaption")} />
      <p>{t(wantsControl ? "sharer.controlMeans" : "sharer.viewMeans")}</p>
      {!canGrant && (
        <p className="banner info" data-testid="needs-desktop">
          {t("sharer.needsDesktop")} <a href="/download">{t("sharer.downloadApp")}</a>
        </p>
      )}
      {host.kind === "desktop" && <PermissionOnboarding host={host} wantsControl={wantsControl} onReady={onReady} onReopen={() => void session.reopen()} />}
      <div className="row">
        {canGrant && <button type="button" className="primary big" disabled={!osReady.ready} onClick={() => void session.allow()} data-testid="allow">{t("sharer.allow")}</button>}
        <button type="button" className="big" onClick={() => void session.decline()} data-testid="decline">{t("sharer.decline")}</button>
      </div>
    </section>
  );
}

/** Always in sight while sharing: who sees the screen, the switches for what else they may do, and Stop. */
function SharingBar({ session, host }: { session: SharerSession; host: SharerHost }) {
  const { t } = useTranslation();
  const { helper, view } = useStore(session.store);
  return (
    <div className="sharing-bar" data-testid="sharing-bar">
      <span role="status" dir="auto">{view?.paused ? t("sharer.pausedBar", { name: helper?.name ?? "" }) : t("sharer.sharingBar", { name: helper?.name ?? "" })}</span>
      {view && <ToolSwitches tools={session.tools} view={view} host={host} helperName={helper?.name ?? ""} />}
      <button type="button" className="danger" onClick={() => void session.end()} data-testid="stop-sharing">{t("sharer.stop")}</button>
    </div>
  );
}

function SharingPanel({ session, host }: { session: SharerSession; host: SharerHost }) {
  const { t } = useTranslation();
  const { view, verificationCode, linkState, helper, displays, displayAsked, screenLost } = useStore(session.store);
  return (
    <section className="card" data-testid="sharer-active">
      <h1 dir="auto">{t(view?.level === "control" ? "sharer.controlled" : "sharer.viewed", { name: helper?.name ?? "" })}</h1>
      {screenLost ? (
        <p className="banner warn" role="alert" data-testid="screen-lost">
          {t("sharer.screenLost")}{" "}
          <button type="button" className="primary" onClick={() => void session.shareAgain()} data-testid="share-again">{t("sharer.shareAgain")}</button>
        </p>
      ) : (
        linkState !== "connected" && <p className="banner info">{t(`link.${linkState ?? "connecting"}`)}</p>
      )}
      {verificationCode && (
        <div className="verify verify-block" data-testid="verification-code">
          <span>{t("verify.label")}</span>
          <strong>{verificationCode}</strong>
          <span className="muted">{t("verify.explanation")}</span>
        </div>
      )}
      {displayAsked && (
        <div className="banner info" role="alert" data-testid="display-asked">
          <span dir="auto">{t("sharer.displayAsked", { name: helper?.name ?? "", label: displayAsked.label })}</span>{" "}
          <button type="button" className="primary" onClick={() => void session.displays.show(displayAsked.id)} data-testid="show-display">{t("sharer.showDisplay")}</button>{" "}
          <button type="button" onClick={() => session.displays.decline()}>{t("sharer.keepDisplay")}</button>
        </div>
      )}
      {displays.length > 1 && (
        <label>
          {t("sharer.display")}{" "}
          <select value={displays.find((d) => d.current)?.id ?? ""} onChange={(e) => void session.displays.show(e.target.value)} data-testid="sharer-display-picker">
            {displays.map((d) => (
              <option key={d.id} value={d.id}>{d.label}</option>
            ))}
          </select>
        </label>
      )}
      <div className="row">
        {view?.level === "control" && <button type="button" onClick={() => void session.downgrade()}>{t("sharer.downgrade")}</button>}
        <button type="button" onClick={() => void session.pause(!view?.paused)} data-testid="pause">{view?.paused ? t("sharer.resume") : t("sharer.pause")}</button>
      </div>
      {view && <SharedPictureIfWeb tools={session.tools} view={view} host={host} />}
    </section>
  );
}
