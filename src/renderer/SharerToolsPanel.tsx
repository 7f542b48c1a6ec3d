import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import type { SessionView, Tool } from "../protocol/index.js";
import { animateBoard } from "../web-client/annotation-board.js";
import { ToolbarIcon } from "../ui/components/ToolbarIcon.js";
import type { SharerHost } from "./sharer-host.js";
import type { SharerTools } from "./sharer-tools.js";

/**
 * The sharer's switches for what the helper may do besides seeing the screen
 * (only those the helper's role and the organisation allow), in the sharing
 * bar: each a button that says its name and whether it is on. The clipboard
 * needs the app (a web page cannot write it unfocused), so it is not offered there.
 */
export function ToolSwitches({ tools, view, host, helperName }: { tools: SharerTools; view: SessionView; host: SharerHost; helperName: string }) {
  const { t } = useTranslation();
  const switchable: Tool[] = (["annotate", "clipboard"] as const).filter((tool) => view.tools.includes(tool) && (tool !== "clipboard" || host.clipboard));
  // The sharer's click shows at once; the broker's answer (the new state, or an error) settles it.
  const [pending, setPending] = useState<Partial<Record<Tool, boolean>>>({});
  const flip = (tool: Tool, on: boolean) => {
    setPending((p) => ({ ...p, [tool]: on }));
    void tools.switchTool(tool, on).catch(() => undefined).finally(() => setPending(({ [tool]: _settled, ...rest }) => rest));
  };
  if (switchable.length === 0) return null;
  return (
    <span className="tool-switches" role="group" aria-label={t("sharer.toolsLegend", { name: helperName })}>
      {switchable.map((tool) => {
        const on = pending[tool] ?? !view.toolsOff.includes(tool);
        return (
          <button key={tool} type="button" className={`tool-switch ${on ? "on" : "off"}`} aria-pressed={on} title={t(`sharer.tool.${tool}`)} onClick={() => flip(tool, !on)} data-testid={`switch-${tool}`}>
            <ToolbarIcon name={tool === "annotate" ? "pen" : "clipboard"} /> {t(tool === "annotate" ? "draw.group" : "clipboard.title")}
          </button>
        );
      })}
    </span>
  );
}

/** On the web page, a picture of the shared screen with the helper's drawing on it (the desktop app draws over the real screen instead). */
export function SharedPictureIfWeb({ tools, view, host }: { tools: SharerTools; view: SessionView; host: SharerHost }) {
  return host.kind === "web" && view.tools.includes("annotate") ? <SharedPicture tools={tools} /> : null;
}

function SharedPicture({ tools }: { tools: SharerTools }) {
  const { t } = useTranslation();
  const video = useRef<HTMLVideoElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const v = video.current;
    const c = canvas.current;
    const stream = tools.sharedScreen();
    if (!v || !c) return;
    if (stream && v.srcObject !== stream) v.srcObject = stream;
    const size = () => {
      c.width = v.videoWidth || 1280;
      c.height = v.videoHeight || 720;
      animation.changed();
    };
    const animation = animateBoard(tools.board, c);
    v.addEventListener("loadedmetadata", size);
    v.addEventListener("resize", size);
    size();
    const stop = tools.onDrawn(() => animation.changed());
    return () => {
      stop();
      animation.stop();
      v.removeEventListener("loadedmetadata", size);
      v.removeEventListener("resize", size);
    };
  }, [tools]);
  return (
    <figure data-testid="shared-picture">
      <div className="shared-picture">
        <video ref={video} autoPlay playsInline muted />
        <canvas ref={canvas} data-testid="sharer-drawing" />
      </div>
      <figcaption className="muted">{t("sharer.pictureCaption")}</figcaption>
    </figure>
  );
}
