import { fileURLToPath } from "node:url";
import { runConformanceSuite } from "@scopegate-examples/conformance-suite";

// The calendar contract (shared/conformance.md) against the real start command (`node start.mjs`).
runConformanceSuite({ cwd: fileURLToPath(new URL("..", import.meta.url)) }, "calendar-nestjs");
