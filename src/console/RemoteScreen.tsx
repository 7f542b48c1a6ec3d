import { type KeyboardEvent, type PointerEvent, useEffect, useMemo, useRef, useState, type WheelEvent } from "react";
import { useTranslation } from "react-i18next";
import { mayInjectNow, mouseButtonOf, toolOn } from "../protocol/index.js";
import type { LinkQuality } from "../web-client/link-quality.js";
import { useStore } from "../ui/use-store.js";
import { AnnotationLayer } from "./AnnotationLayer.js";
import { AnnotationTools } from "./AnnotationTools.js";
import { ClipboardPanel } from "./ClipboardPanel.js";
import { type DrawingMode, HelperDrawing } from "./helper-drawing.js";
import { IconButton } from "./IconButton.js";
import type { HelperSession } from "./helper-session.js";
import { normalisedPoint } from "./pointer-mapping.js";

type Fit = "fit" | "actual";

/**
 * The sharer's screen. With a live control grant, pointer and keys over the
 * video (only while it has focus) go to the sharer on the data channels;
 * without one, nothing is sent, whatever the helper does.
 */
export function RemoteScreen({ helper, canControl }: { helper: HelperSession; canControl: boolean }) {
  const { t } = useTranslation();
  const s = useStore(helper.store);
  const video = useRef<HTMLVideoElement>(null);
  const frame = useRef<HTMLDivElement>(null);
  const [fit, setFit] = useState<Fit>("fit");
  const [showQuality, setShowQuality] = useState(false);
  const [focused, setFocused] = useState(false);
  // The console injects nothing itself: it captures input while the shared rule says input may flow.
  const controlling = s.view !== null && mayInjectNow(s.view, s.view.sessionId, "not_required") === null;
  // Pointing and drawing (view only too): while a mode is on, the pointer over the screen draws instead of controlling.
  const drawing = useMemo(() => new HelperDrawing((a) => helper.annotate(a)), [helper]);
  const canDraw = toolOn(s.view, "annotate");
  const [drawMode, setDrawMode] = useState<DrawingMode | null>(null);
  const [showDrawing, setShowDrawing] = useState(false);
  const mode = canDraw && showDrawing ? drawMode : null;
  const [showClipboard, setShowClipboard] = useState(false);
  const sharerName = s.peer?.name ?? t("common.theSharer");
  const offBySharer = (tool: "annotate" | "clipboard") => s.view?.tools.includes(tool) && s.view.toolsOff.includes(tool);
  const clipboardWhy = s.device === null ? t("clipboard.appOnly") : offBySharer("clipboard") ? t("clipboard.offBySharer", { name: sharerName }) : null;

  useEffect(() => {
    if (video.current && s.stream && video.current.srcObject !== s.stream) video.current.srcObject = s.stream;
  }, [s.stream]);

  // Frames decoded as they arrive play in a second video over the first, which shows again if that path stops.
  const fastVideo = useRef<HTMLVideoElement>(null);
  const [fastFrames, setFastFrames] = useState(false);
  const [fastStopped, setFastStopped] = useState<string | null>(null);
  useEffect(() => {
    const v = fastVideo.current;
    if (!s.frames || !v) return;
    v.srcObject = new MediaStream([s.frames.track]);
    const onFrame = () => setFastFrames(true);
    v.addEventListener("loadeddata", onFrame);
    const stopWatching = s.frames.onStopped((reason) => {
      setFastFrames(false);
      setFastStopped(reason);
    });
    return () => {
      v.removeEventListener("loadeddata", onFrame);
      stopWatching();
      v.srcObject = null;
      setFastFrames(false);
      setFastStopped(null); // a new session's path has not stopped
    };
  }, [s.frames]);

  // Control taken away or paused: lift whatever is held, at once.
  useEffect(() => {
    if (!controlling) helper.sendInput({ t: "release_all" });
  }, [controlling, helper]);

  const point = (e: { clientX: number; clientY: number }) => {
    const v = video.current;
    return v ? normalisedPoint(e.clientX, e.clientY, v.getBoundingClientRect(), v.videoWidth, v.videoHeight) : null;
  };
  const sendMove = (e: { clientX: number; clientY: number }) => {
    if (!controlling || !focused || mode) return;
    const p = point(e);
    if (p) helper.sendPointer({ t: "move", ...p });
  };
  // Chromium hands `pointermove` to the page once per frame (up to 16 ms late); `pointerrawupdate`
  // comes as the mouse moves. Where the browser has it, moves go out from there.
  const rawMoves = typeof window !== "undefined" && "onpointerrawupdate" in window;
  const latestMove = useRef(sendMove);
  latestMove.current = sendMove;
  useEffect(() => {
    const el = frame.current;
    if (!el || !rawMoves) return;
    const onRaw = (e: Event) => latestMove.current(e as unknown as PointerEvent);
    el.addEventListener("pointerrawupdate", onRaw);
    return () => el.removeEventListener("pointerrawupdate", onRaw);
  }, [rawMoves]);
  const onPointerMove = (e: PointerEvent) => {
    if (!rawMoves) sendMove(e);
  };
  const onButton = (down: boolean) => (e: PointerEvent) => {
    if (down) frame.current?.focus();
    if (!controlling) return;
    const p = point(e);
    const button = mouseButtonOf(e.button);
    if (!p || !button) return;
    e.preventDefault();
    helper.sendInput({ t: "button", ...p, button, down });
  };
  const onWheel = (e: WheelEvent) => {
    if (!controlling || !focused) return;
    const p = point(e);
    if (p) helper.sendInput({ t: "wheel", ...p, dx: Math.round(e.deltaX), dy: Math.round(e.deltaY) });
  };
  const onKey = (down: boolean) => (e: KeyboardEvent) => {
    if (!controlling || !e.code) return;
    e.preventDefault();
    helper.sendInput({ t: "key", code: e.code, down, repeat: e.repeat, mods: { shift: e.shiftKey, ctrl: e.ctrlKey, alt: e.altKey, meta: e.metaKey } });
  };

  return (
    <section className="remote" data-testid="active-session" data-level={s.view?.level ?? ""}>
      <div className="toolbar" role="toolbar" aria-label={t("remote.toolbar")}>
        <span className={`badge ${controlling ? "control" : "view"}`} data-testid="level">
          {s.view?.paused ? t("remote.pausedBadge") : controlling ? t("remote.controlling") : t("remote.viewing")}
        </span>
        {s.verificationCode && (
          <span className="verify" title={t("verify.explanation")} data-testid="verification-code">
            <span className="verify-label">{t("verify.label")}</span> <strong>{s.verificationCode}</strong>
          </span>
        )}
        <span className="spacer" />
        {s.displays.length > 1 && (
          <label className="display-picker">
            {t("remote.display")}{" "}
            <select value={s.displays.find((d) => d.current)?.id ?? ""} onChange={(e) => helper.askForDisplay(e.target.value)} data-testid="display-picker">
              {s.displays.map((d) => (
                <option key={d.id} value={d.id}>
                  {d.label} ({d.width}×{d.height})
                </option>
              ))}
            </select>
          </label>
        )}
        {canDraw && <IconButton icon="pen" label={t("draw.group")} pressed={showDrawing} onClick={() => setShowDrawing(!showDrawing)} testId="toggle-drawing" />}
        {s.view?.tools.includes("clipboard") && <IconButton icon="clipboard" label={t("clipboard.title")} pressed={showClipboard} onClick={() => setShowClipboard(!showClipboard)} testId="toggle-clipboard" />}
        <IconButton icon={fit === "fit" ? "actual" : "fit"} label={fit === "fit" ? t("remote.actualSize") : t("remote.fit")} onClick={() => setFit(fit === "fit" ? "actual" : "fit")} testId="toggle-fit" />
        <IconButton icon="fullScreen" label={t("remote.fullScreen")} onClick={() => void frame.current?.requestFullscreen?.()} />
        <IconButton icon="quality" label={t("remote.quality")} pressed={showQuality} onClick={() => setShowQuality(!showQuality)} testId="toggle-quality" />
        {canControl && s.device !== null && s.view?.level === "view" && (
          <button type="button" className="primary" disabled={s.view.status !== "active"} onClick={() => void helper.request("control")} data-testid="raise-control">{t("trust.requestControl")}</button>
        )}
        <button type="button" className="danger" onClick={() => void helper.end()} data-testid="end-session">{t("session.end")}</button>
      </div>
      {s.notice && <p className="banner info" role="status" data-testid="notice">{t(s.notice)}</p>}
      {s.view?.paused && <p className="banner warn" role="status" data-testid="paused-by-sharer" dir="auto">{t("remote.pausedBanner", { name: s.peer?.name ?? t("common.theSharer") })}</p>}
      {controlling && <p className="banner control" role="status" data-testid="controlling">{t(focused ? "remote.controllingBanner" : "remote.clickToControl")}</p>}
      {s.linkState !== "connected" && <p className="banner info" role="status" data-testid="link-state">{t(`link.${s.linkState ?? "connecting"}`)}</p>}
      {canDraw && showDrawing && <AnnotationTools mode={mode} setMode={setDrawMode} drawing={drawing} />}
      {offBySharer("annotate") && <p className="banner info" role="status" data-testid="drawing-off">{t("draw.offBySharer", { name: sharerName })}</p>}
      {showQuality && <QualityPanel helper={helper} />}
      {showClipboard && <ClipboardPanel handOver={helper.handOver} why={clipboardWhy} />}
      <div
        ref={frame}
        className={`screen ${fit} ${controlling ? "controllable" : ""}`}
        tabIndex={0}
        aria-label={t("remote.screenLabel")}
        onFocus={() => setFocused(true)}
        onBlur={() => {
          setFocused(false);
          if (controlling) helper.sendInput({ t: "release_all" });
        }}
        onPointerMove={onPointerMove}
        onPointerDown={onButton(true)}
        onPointerUp={onButton(false)}
        onWheel={onWheel}
        onKeyDown={onKey(true)}
        onKeyUp={onKey(false)}
        onContextMenu={(e) => controlling && e.preventDefault()}
      >
        <div className="picture">
          <video ref={video} autoPlay playsInline muted data-testid="remote-video" />
          <video ref={fastVideo} autoPlay playsInline muted hidden={!fastFrames} aria-hidden="true" className="as-received" data-testid="remote-fast" data-stopped={fastStopped ?? undefined} />
          <AnnotationLayer drawing={drawing} mode={mode} video={video} />
        </div>
      </div>
    </section>
  );
}

function QualityPanel({ helper }: { helper: HelperSession }) {
  const { t } = useTranslation();
  const [q, setQ] = useState<LinkQuality | null>(null);
  useEffect(() => {
    const tick = () => void helper.quality().then(setQ);
    tick();
    const timer = setInterval(tick, 1000);
    return () => clearInterval(timer);
  }, [helper]);
  const dash = "–";
  return (
    <dl className="quality" data-testid="quality">
      <dt>{t("quality.fps")}</dt>
      <dd data-testid="quality-fps">{q?.fps ?? dash}</dd>
      <dt>{t("quality.bitrate")}</dt>
      <dd>{q?.bitrateKbps != null ? `${q.bitrateKbps} kbit/s` : dash}</dd>
      <dt>{t("quality.roundTrip")}</dt>
      <dd>{q?.roundTripMs != null ? `${q.roundTripMs} ms` : dash}</dd>
      <dt>{t("quality.resolution")}</dt>
      <dd>{q?.width ? `${q.width}×${q.height}` : dash}</dd>
    </dl>
  );
}
