#!/usr/bin/env node
// @ts-check
// Starts the calendar service: settings from the environment, one `listening on` line on stdout,
// exit code 2 on a bad setting, a clean exit 0 on SIGTERM or SIGINT (../../calendar-common).
import {
  announceListening,
  closeServer,
  connectSharedState,
  createNodeServer,
  exitWithConfigError,
  handleSignals,
  readConfig,
  resolvePublicUrl,
  verifierOptions,
} from "@scopegate-examples/calendar-common";

const NAME = "calendar-express";
const onStop = handleSignals();
const { createVerifier } = await import("@scopegate/express");
const { createApp } = await import("./app.js");

/** @type {import("@scopegate-examples/calendar-common").Config} */
let config;
/** @type {import("@scopegate-examples/calendar-common").SharedState | null} */
let shared = null;
/** @type {import("@scopegate/express").Verifier} */
let verifier;
try {
  config = await resolvePublicUrl(readConfig(process.env));
  shared = await connectSharedState(config);
  verifier = createVerifier(verifierOptions(config, shared));
} catch (error) {
  exitWithConfigError(NAME, error);
}

const server = createNodeServer(config, createApp({ verifier })).listen(config.port, config.host);
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
