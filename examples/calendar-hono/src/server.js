#!/usr/bin/env node
// @ts-check
// Starts the calendar service on Node with @hono/node-server: settings from the environment, one
// `listening on` line on stdout, exit code 2 on a bad setting, a clean exit 0 on SIGTERM or SIGINT
// (../../calendar-common).
import {
  asksForClientCertificates,
  httpsOptions,
  listenNode,
  runCalendar,
} from "@scopegate-examples/calendar-common";

await runCalendar("calendar-hono", async () => {
  const { createAdaptorServer } = await import("@hono/node-server");
  const { createServer: createHttpsServer } = await import("node:https");
  const { createVerifier } = await import("@scopegate/hono");
  const { createApp } = await import("./app.js");
  return {
    build: (options, config) =>
      createApp({ verifier: createVerifier(options), clientCertificates: asksForClientCertificates(config) }),
    // With TLS on, node:https serves the same app; with TLS_CA the socket carries the client
    // certificate, which @scopegate/hono reads through `c.env.incoming`.
    listen(app, config) {
      const tls = config.tls
        ? { createServer: createHttpsServer, serverOptions: httpsOptions(config.tls) }
        : {};
      const server = createAdaptorServer({ fetch: app.fetch, ...tls });
      return listenNode(/** @type {import("node:http").Server} */ (server), config);
    },
  };
});
