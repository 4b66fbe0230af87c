import { fileURLToPath } from "node:url";
import { runConformanceSuite } from "@scopegate-examples/conformance-suite";

// Starts `node src/server.js` (the package's start script) against the built @scopegate/fastify.
runConformanceSuite({ cwd: fileURLToPath(new URL("..", import.meta.url)) }, "calendar-fastify");
