import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "nestjs11-cjs",
    include: ["test/**/*.test.ts"],
    typecheck: { enabled: false },
    // The set-up compiles the fixture with tsc and starts it as a child process.
    testTimeout: 20_000,
    hookTimeout: 90_000,
  },
});
