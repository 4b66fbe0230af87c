#!/usr/bin/env node
// @ts-check
// Starts the MCP server: settings from the environment, one `listening on` line on stdout, exit
// code 2 on a bad setting, a clean exit 0 on SIGTERM or SIGINT (the lifecycle of ../../calendar-common).
import { createServer } from "node:http";
import {
  announceListening,
  closeServer,
  exitWithConfigError,
  handleSignals,
  resolvePublicUrl,
} from "@scopegate-examples/calendar-common";
import { createEventStore } from "@scopegate-examples/calendar-common/events";

const NAME = "mcp-server";
const onStop = handleSignals();
const { createVerifier } = await import("@scopegate/mcp");
const { createApp } = await import("./app.js");
const { mcpVerifierOptions, readMcpConfig } = await import("./config.js");

/** @type {import("./config.js").McpConfig & { publicUrl: string }} */
let config;
/** @type {ReturnType<typeof createApp>} */
let service;
try {
  const settings = readMcpConfig(process.env);
  // The real port (a free one for PORT=0) and the default PUBLIC_URL, http://HOST:PORT.
  config = await resolvePublicUrl({ ...settings, tls: null });
  const verifier = createVerifier(mcpVerifierOptions(config));
  service = createApp({ verifier, events: createEventStore(), publicUrl: config.publicUrl });
} catch (error) {
  exitWithConfigError(NAME, error);
}

const server = createServer(service.app).listen(config.port, config.host);
server.once("error", (/** @type {NodeJS.ErrnoException} */ error) => {
  exitWithConfigError(
    NAME,
    `cannot listen on ${config.host}:${config.port} (${error.code ?? error.message})`,
  );
});
server.once("listening", () => announceListening(server, config, { tls: false }));
onStop(async () => {
  await Promise.all([closeServer(server), service.close()]);
});
