/**
 * Small line icons for the session toolbar and the chat's Send, drawn here (no icon font, nothing
 * fetched). Each button that shows one also carries its words as aria-label
 * and title, so a screen reader and a hovering pointer both get the name.
 */
const PATHS = {
  fit: "M4 9V4h5M15 4h5v5M20 15v5h-5M9 20H4v-5",
  actual: "M9 4v5H4M20 9h-5V4M15 20v-5h5M4 15h5v5",
  fullScreen: "M3 8V3h5M16 3h5v5M21 16v5h-5M8 21H3v-5M8 8h8v8H8z",
  quality: "M4 20v-4M9 20v-8M14 20v-12M19 20V4",
  send: "M21 3 3 10.5l7 2.5 2.5 7L21 3zM10 13l4.5-4.5",
} as const;

export type ToolbarIconName = keyof typeof PATHS;

export function ToolbarIcon({ name }: { name: ToolbarIconName }) {
  return (
    <svg className="icon" viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false">
      <path d={PATHS[name]} fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" />
    </svg>
  );
}
