import { fileURLToPath } from "node:url";
import { runConformanceSuite } from "@scopegate-examples/conformance-suite";

// Starts `node src/server.js` (the package's start script) against the built @scopegate/fastify.
// Not yet: TLS_CERT/TLS_KEY/TLS_CA (the contract's "Mutual TLS"); the other adapters' examples serve them.
runConformanceSuite({ cwd: fileURLToPath(new URL("..", import.meta.url)) }, "calendar-fastify", {
  mutualTls: false,
});
