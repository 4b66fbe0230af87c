import { defineProject } from "vitest/config";

export default defineProject({
  test: { name: "nestjs11-cjs", include: ["test/**/*.test.ts"], typecheck: { enabled: false } },
});
