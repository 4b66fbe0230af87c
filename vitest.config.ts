import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    projects: ["packages/*", "examples/*", "tests/*"],
    // Projects do not inherit these: each project's vitest.config.ts sets its own timeouts.
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
