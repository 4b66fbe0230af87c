import { defineProject } from "vitest/config";

export default defineProject({
  test: { name: "calendar-nestjs", include: ["test/**/*.test.ts"], typecheck: { enabled: false } },
});
