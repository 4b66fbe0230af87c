#!/usr/bin/env node
// @ts-check
// Starts the calendar service: configuration from the environment, one `listening on` line on
// stdout, exit code 2 on bad configuration, a clean exit 0 on SIGTERM or SIGINT.

/** @type {import("node:http").Server | undefined} */
let server;

// Installed before anything loads, so that a signal during start-up also ends with exit code 0.
function shutdown() {
  if (!server) process.exit(0);
  server.close(() => process.exit(0));
  server.closeIdleConnections();
  // Requests still running get one second to finish; then their connections are closed too.
  setTimeout(() => server?.closeAllConnections(), 1000).unref();
}
process.once("SIGTERM", shutdown);
process.once("SIGINT", shutdown);

const NAME = "calendar-koa";
const { createVerifier } = await import("@scopegate/koa");
const { createApp } = await import("./app.js");
const { readConfig } = await import("./config.js");

/** @param {string} message */
function exitWithConfigError(message) {
  process.stderr.write(`${NAME}: ${message.replace(/\s+/g, " ").trim()}\n`);
  process.exit(2);
}

/** The variable behind each verifier option, to name it in error messages. */
const VARIABLES = { issuer: "ISSUER", audience: "AUDIENCE", jwksUri: "JWKS_URI" };

/** @type {import("./config.js").Config} */
let config;
/** @type {import("@scopegate/koa").Verifier} */
let verifier;
try {
  config = readConfig(process.env);
  verifier = createVerifier({
    issuer: config.issuer,
    audience: config.audience,
    ...(config.jwksUri ? { jwksUri: config.jwksUri } : {}),
  });
} catch (error) {
  const message = error instanceof Error ? error.message : String(error);
  exitWithConfigError(
    message.replace(
      /`(issuer|audience|jwksUri)(\[[^\]]*\])?`/g,
      (_, /** @type {keyof typeof VARIABLES} */ option) => VARIABLES[option],
    ),
  );
  throw error; // not reached
}

server = createApp({ verifier }).listen(config.port, config.host);
server.once("error", (/** @type {NodeJS.ErrnoException} */ error) => {
  exitWithConfigError(`cannot listen on ${config.host}:${config.port} (${error.code ?? error.message})`);
});
server.once("listening", () => {
  const address = server?.address();
  const port = typeof address === "object" && address ? address.port : config.port;
  const host = config.host.includes(":") ? `[${config.host}]` : config.host;
  process.stdout.write(`listening on http://${host}:${port}\n`);
});
