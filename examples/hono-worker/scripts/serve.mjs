#!/usr/bin/env node
// `pnpm start`: the Worker on a local workerd, configured like the other calendar examples (ISSUER,
// AUDIENCE, JWKS_URI, HOST, PORT from the environment); prints `listening on http://HOST:PORT`.
import { exitWithConfigError, handleSignals, readConfig } from "@scopegate-examples/calendar-common";
import { bundleWorker, serveWorker } from "./workerd.mjs";

const onStop = handleSignals();
let config;
try {
  config = readConfig(process.env);
} catch (error) {
  exitWithConfigError("hono-worker", error);
}
const code = await bundleWorker(new URL("../src/worker.js", import.meta.url).pathname);
const worker = await serveWorker({
  code,
  host: config.host,
  port: config.port,
  vars: { ISSUER: config.issuer, AUDIENCE: config.audience.join(","), JWKS_URI: config.jwksUri },
});
process.stdout.write(`listening on ${worker.url}\n`);
onStop(() => worker.close());
