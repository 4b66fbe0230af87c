import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "redis",
    include: ["test/**/*.test.ts"],
    // Real redis-server processes, stopped and restarted by the tests.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    typecheck: { enabled: true, include: ["test/**/*.test-d.ts"], tsconfig: "./tsconfig.json" },
  },
});
