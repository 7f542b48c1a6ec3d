import { useTranslation } from "react-i18next";
import type { DrawingMode, HelperDrawing } from "./helper-drawing.js";
import { IconButton } from "./IconButton.js";

const MODES: DrawingMode[] = ["laser", "pen", "arrow", "rect"];

/**
 * Point, draw (pen, arrow, rectangle), undo, clear: a row under the session
 * toolbar while the helper has it open (the toolbar keeps one button for it,
 * so it stays one line in every language). Pressing the pressed mode again
 * gives the pointer back its usual job.
 */
export function AnnotationTools({ mode, setMode, drawing }: { mode: DrawingMode | null; setMode: (mode: DrawingMode | null) => void; drawing: HelperDrawing }) {
  const { t } = useTranslation();
  return (
    <div className="draw-palette" role="toolbar" aria-label={t("draw.group")} data-testid="draw-palette">
      {MODES.map((m) => (
        <IconButton key={m} icon={m} label={t(`draw.${m}`)} pressed={mode === m} onClick={() => setMode(mode === m ? null : m)} testId={`draw-${m}`} />
      ))}
      <IconButton icon="undo" label={t("draw.undo")} onClick={() => drawing.undo()} testId="draw-undo" />
      <IconButton icon="clear" label={t("draw.clear")} onClick={() => drawing.clear()} testId="draw-clear" />
    </div>
  );
}
