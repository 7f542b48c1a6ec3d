import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/global-setup.ts"],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // Test files start their own brokers on port 0; two workers match the two cores.
    pool: "forks",
    maxWorkers: 2,
  },
});
