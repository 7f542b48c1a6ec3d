import { defineConfig } from "vitest/config";

// `npm run test:electron`: the desktop app itself, on a machine where the Electron
// binary can be had (any developer laptop). Not part of `npm test`: here the binary
// cannot be downloaded, and everything but Electron's plumbing is tested without it.
export default defineConfig({
  test: {
    include: ["test-electron/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 60_000,
    pool: "forks",
    maxWorkers: 1,
  },
});
