import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "calendar-nestjs",
    include: ["test/**/*.test.ts"],
    typecheck: { enabled: false },
    // Several tests start the service as a child process (esbuild compile + Nest start-up).
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
