import { useTranslation } from "react-i18next";
import type { DrawingMode, HelperDrawing } from "./helper-drawing.js";
import { IconButton } from "./IconButton.js";

const MODES: DrawingMode[] = ["laser", "pen", "arrow", "rect"];

/** Point, draw (pen, arrow, rectangle), undo, clear: one group of icon buttons in the session toolbar. Pressing the pressed mode again goes back to the pointer's usual job. */
export function AnnotationTools({ mode, setMode, drawing }: { mode: DrawingMode | null; setMode: (mode: DrawingMode | null) => void; drawing: HelperDrawing }) {
  const { t } = useTranslation();
  return (
    <span className="tool-group" role="group" aria-label={t("draw.group")}>
      {MODES.map((m) => (
        <IconButton key={m} icon={m} label={t(`draw.${m}`)} pressed={mode === m} onClick={() => setMode(mode === m ? null : m)} testId={`draw-${m}`} />
      ))}
      <IconButton icon="undo" label={t("draw.undo")} onClick={() => drawing.undo()} testId="draw-undo" />
      <IconButton icon="clear" label={t("draw.clear")} onClick={() => drawing.clear()} testId="draw-clear" />
    </span>
  );
}
