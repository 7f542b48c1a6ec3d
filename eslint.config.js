import js from "@eslint/js";
import tseslint from "typescript-eslint";
import globals from "globals";

// Process folders may import src/protocol (and src/ui for the React apps) but never
// each other: DESIGN.md "Rules of the house". A wrong import fails `npm test`.
const PROCESS_FOLDERS = ["server", "console", "renderer", "main", "preload", "native", "pppc"];

function layering(own, allowed = []) {
  const forbidden = PROCESS_FOLDERS.filter((f) => f !== own && !allowed.includes(f));
  return {
    "no-restricted-imports": [
      "error",
      {
        patterns: [
          {
            regex: `(^|/)(${forbidden.join("|")})/`,
            message: `Bad layering: src/${own} may import only src/protocol${allowed.length ? ", " + allowed.join(", ") : ""} and its own files.`,
          },
        ],
      },
    ],
  };
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
  { files: ["src/protocol/**"], rules: layering("protocol") },
  // Shared UI pieces serve both React apps and import no process folder.
  { files: ["src/ui/**"], rules: layering("ui") },
  // The agent lives in native/ (DESIGN.md) and, like every process, imports only src/protocol.
  { files: ["native/**"], rules: layering("native") },
  // The broker serves the PPPC profile endpoint, so it may use the generator library.
  ...PROCESS_FOLDERS.map((folder) => ({ files: [`src/${folder}/**`], rules: layering(folder, folder === "server" ? ["pppc"] : []) })),
);
