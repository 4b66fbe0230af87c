import { defineProject } from "vitest/config";

export default defineProject({
  test: { name: "hostile", include: ["test/**/*.test.ts"], typecheck: { enabled: false } },
});
