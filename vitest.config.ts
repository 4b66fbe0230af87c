import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // tests/runtimes runs on Bun, Deno and workerd as steps of its own in scripts/check.mjs.
    projects: ["packages/*", "examples/*", "tests/*", "!tests/runtimes"],
    // Projects do not inherit these: each project's vitest.config.ts sets its own timeouts.
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
