import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "nestjs",
    include: ["test/**/*.test.ts"],
    typecheck: { enabled: false },
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
