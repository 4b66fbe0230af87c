#!/usr/bin/env node
// @ts-check
// Starts the calendar service: settings from the environment, one `listening on` line on stdout,
// exit code 2 on a bad setting, a clean exit 0 on SIGTERM or SIGINT (../../calendar-common).
import {
  announceListening,
  connectSharedState,
  exitWithConfigError,
  handleSignals,
  httpsOptions,
  readConfig,
  resolvePublicUrl,
  verifierOptions,
} from "@scopegate-examples/calendar-common";

const NAME = "calendar-fastify";
const onStop = handleSignals();
const { createVerifier } = await import("@scopegate/fastify");
const { createApp } = await import("./app.js");

/** @type {import("@scopegate-examples/calendar-common").Config} */
let config;
/** @type {import("@scopegate-examples/calendar-common").SharedState | null} */
let shared = null;
/** @type {import("@scopegate/fastify").Verifier} */
let verifier;
try {
  config = await resolvePublicUrl(readConfig(process.env));
  shared = await connectSharedState(config);
  verifier = createVerifier(verifierOptions(config, shared));
} catch (error) {
  exitWithConfigError(NAME, error);
}

const app = await createApp({ verifier, https: config.tls ? httpsOptions(config.tls) : null });
try {
  await app.listen({ port: config.port, host: config.host });
} catch (error) {
  const code = /** @type {NodeJS.ErrnoException} */ (error).code;
  exitWithConfigError(NAME, `cannot listen on ${config.host}:${config.port} (${code ?? String(error)})`);
}
announceListening(app.server, config);
onStop(async () => {
  await app.close();
  await shared?.close();
});
