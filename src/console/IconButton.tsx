import { ToolbarIcon, type ToolbarIconName } from "../ui/components/ToolbarIcon.js";

/** A toolbar button that shows an icon and says its name to a screen reader and on hover: the row stays one line in every language. */
export function IconButton({ icon, label, onClick, pressed, testId }: { icon: ToolbarIconName; label: string; onClick: () => void; pressed?: boolean; testId?: string }) {
  return (
    <button type="button" className="icon-button" onClick={onClick} aria-label={label} title={label} aria-pressed={pressed} data-testid={testId}>
      <ToolbarIcon name={icon} />
    </button>
  );
}
