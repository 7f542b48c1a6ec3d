import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// Two pages, one build: the helper console (src/console, served at /) and the
// sharer page (src/renderer, served at /s and loaded by the desktop app).
// The broker serves dist/web; nothing is fetched from anywhere else at run time.
const src = (p: string) => fileURLToPath(new URL(`./src/${p}`, import.meta.url));

export default defineConfig({
  root: src(""),
  base: "/",
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL("./dist/web", import.meta.url)),
    emptyOutDir: true,
    target: "es2022",
    sourcemap: true,
    rollupOptions: { input: { console: src("console/index.html"), sharer: src("renderer/index.html") } },
  },
});
