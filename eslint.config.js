import js from "@eslint/js";
import tseslint from "typescript-eslint";
import globals from "globals";

// What each folder may import besides its own files (DESIGN.md "Rules of the house";
// docs/architecture.md). Processes never import each other; a wrong import fails `npm test`.
export const MAY_IMPORT = {
  // src/: the processes and what they share.
  "src/protocol": [],
  "src/node-shared": ["src/protocol"], // Node-only code the broker, main and the agent all need
  "src/locales": [], // the words of every page and of the desktop shell, one file per language
  "src/web-client": ["src/protocol"], // the browser runtime: connection, peer link, chat, state (no React)
  "src/ui": ["src/protocol", "src/web-client", "src/locales"], // React components, i18n and hooks
  "src/console": ["src/protocol", "src/web-client", "src/ui"],
  "src/renderer": ["src/protocol", "src/web-client", "src/ui"],
  "src/overlay": ["src/protocol", "src/web-client"], // the desktop app's drawing overlay page (no React)
  "src/server": ["src/protocol", "src/node-shared", "src/pppc"], // the broker serves the PPPC profile endpoint
  "src/pppc": ["src/protocol"],
  "src/main": ["src/protocol", "src/node-shared", "src/locales"], // the shell's own words (tray, consent dialog)
  "src/preload": ["src/protocol"],
  native: ["src/protocol", "src/node-shared"], // the input agent
  // Around src/: tools drive the processes; benches and scripts use tools; nothing imports the tests.
  tools: ["src", "tools"],
  bench: ["src", "tools"],
  scripts: ["src", "tools"],
};
const TOP = ["src", "native", "tools", "bench", "scripts", "test", "test-electron"];
const SRC = Object.keys(MAY_IMPORT).filter((f) => f.startsWith("src/")).map((f) => f.slice(4));

/**
 * The broker's folders, top to bottom: transport (WebSocket, HTTP), then the
 * services, then the store. A folder imports only folders below it.
 */
export const BROKER_LAYERS = ["ws", "http", "auth", "chat", "sessions", "devices", "policy", "audit", "identity", "limits", "tls", "store"];

/** Forbids every folder `own` may not import. Paths are matched by their folder names (imports are relative). */
function layering(own, layer = null) {
  const allowed = MAY_IMPORT[own];
  const mayAll = (top) => allowed.includes(top);
  const forbiddenSrc = own.startsWith("src/") || own === "native" ? SRC.filter((f) => `src/${f}` !== own && !allowed.includes(`src/${f}`)) : [];
  const forbiddenTop = TOP.filter((t) => t !== own && t !== "src" && !mayAll(t) && !(own.startsWith("src/") && t === "native"));
  if (own.startsWith("src/") || own === "native") forbiddenTop.push(...["tools", "bench", "scripts", "test"].filter((t) => !forbiddenTop.includes(t)));
  const patterns = [];
  if (forbiddenSrc.length) patterns.push({ regex: `(^|/)(${forbiddenSrc.join("|")})/`, message: `Bad layering: ${own} may import only ${allowed.join(", ") || "its own files"}.` });
  if (forbiddenTop.length) patterns.push({ regex: `^(\\.\\./)+(${forbiddenTop.join("|")})/`, message: `Bad layering: ${own} may import only ${allowed.join(", ") || "its own files"}.` });
  if (!own.startsWith("src/") && own !== "native" && !mayAll("src")) patterns.push({ regex: "^(\\.\\./)+src/", message: `Bad layering: ${own} may not import src.` });
  if (layer) {
    const above = BROKER_LAYERS.slice(0, BROKER_LAYERS.indexOf(layer) + 1).filter((l) => l !== layer);
    if (above.length) patterns.push({ regex: `(^|/)(${above.join("|")})/`, message: `Bad layering: src/server/${layer} may import only the broker's folders below it (${BROKER_LAYERS.slice(BROKER_LAYERS.indexOf(layer) + 1).join(", ")}).` });
  }
  // The browser runtime stays free of React, so it can run (and be tested) without a page framework.
  const paths = own === "src/web-client" || own === "src/protocol" ? [{ name: "react", message: `${own} does not use React (src/ui holds the hooks).` }] : [];
  return { "no-restricted-imports": ["error", { patterns, paths }] };
}

export default tseslint.config(
  { ignores: ["app/dist/**", "app/node_modules/**", "release/**", "node_modules/", "dist/", "data/", "coverage/", "**/*.d.ts"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-console": "off",
    },
  },
  // electron-builder loads its hooks with require(), so they are CommonJS.
  { files: ["**/*.cjs"], rules: { "@typescript-eslint/no-require-imports": "off" } },
  ...Object.keys(MAY_IMPORT).map((folder) => ({ files: [`${folder}/**`], rules: layering(folder) })),
  ...BROKER_LAYERS.map((layer) => ({ files: [`src/server/${layer}/**`], rules: layering("src/server", layer) })),
);
