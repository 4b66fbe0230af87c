#!/usr/bin/env node
// @ts-check
// Starts the calendar service on Node with @hono/node-server: settings from the environment, one
// `listening on` line on stdout, exit code 2 on a bad setting, a clean exit 0 on SIGTERM or SIGINT
// (../../calendar-common).
import {
  announceListening,
  closeServer,
  connectSharedState,
  exitWithConfigError,
  handleSignals,
  httpsOptions,
  readConfig,
  resolvePublicUrl,
  verifierOptions,
} from "@scopegate-examples/calendar-common";

const NAME = "calendar-hono";
const onStop = handleSignals();
const { serve } = await import("@hono/node-server");
const { createServer: createHttpsServer } = await import("node:https");
const { createVerifier } = await import("@scopegate/hono");
const { createApp } = await import("./app.js");

/** @type {import("@scopegate-examples/calendar-common").Config} */
let config;
/** @type {import("@scopegate-examples/calendar-common").SharedState | null} */
let shared = null;
/** @type {import("@scopegate/hono").Verifier} */
let verifier;
try {
  config = await resolvePublicUrl(readConfig(process.env));
  shared = await connectSharedState(config);
  verifier = createVerifier(verifierOptions(config, shared));
} catch (error) {
  exitWithConfigError(NAME, error);
}

// With TLS on, node:https serves the same app; with TLS_CA the socket carries the client
// certificate, which @scopegate/hono reads through `c.env.incoming`.
const tls = config.tls ? { createServer: createHttpsServer, serverOptions: httpsOptions(config.tls) } : {};
const server = /** @type {import("node:http").Server} */ (
  serve({ fetch: createApp({ verifier }).fetch, port: config.port, hostname: config.host, ...tls })
);
server.once("error", (/** @type {NodeJS.ErrnoException} */ error) => {
  exitWithConfigError(
    NAME,
    `cannot listen on ${config.host}:${config.port} (${error.code ?? error.message})`,
  );
});
server.once("listening", () => announceListening(server, config));
onStop(async () => {
  await closeServer(server);
  await shared?.close();
});
