import { defineProject } from "vitest/config";

export default defineProject({
  test: { name: "authorization-server", include: ["test/**/*.test.ts"] },
});
