import { defineProject } from "vitest/config";

export default defineProject({
  test: { name: "conformance-suite", include: ["test/**/*.test.ts"] },
});
