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
  laser: "M12 12m-2 0a2 2 0 1 0 4 0a2 2 0 1 0-4 0M12 3v4M12 17v4M3 12h4M17 12h4",
  pen: "M4 20l4-1L19 8l-3-3L5 16l-1 4zM14 7l3 3",
  arrow: "M5 19L19 5M10 5h9v9",
  rect: "M4 6h16v12H4z",
  undo: "M9 14L4 9l5-5M4 9h10a6 6 0 0 1 0 12h-3",
  clear: "M5 7h14M10 7V4h4v3M7 7l1 13h8l1-13",
  clipboard: "M9 4h6v3H9zM9 5H6v16h12V5h-3",
  attach: "M20 11l-8 8a5 5 0 0 1-7-7l8-8a3.5 3.5 0 0 1 5 5l-8 8a2 2 0 0 1-3-3l7-7",
} as const;

export type ToolbarIconName = keyof typeof PATHS;

export function ToolbarIcon({ name }: { name: ToolbarIconName }) {
  return (
    <svg className="icon" viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false">
      <path d={PATHS[name]} fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" />
    </svg>
  );
}
