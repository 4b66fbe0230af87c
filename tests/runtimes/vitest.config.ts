import { defineConfig } from "vitest/config";

// Not one of the root config's projects: scripts/check.mjs runs each runtime as a step of its own
// (`vitest run --root tests/runtimes bun`, `… deno`, `… workerd`).
export default defineConfig({
  test: {
    name: "runtimes",
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
