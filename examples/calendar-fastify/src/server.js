#!/usr/bin/env node
// @ts-check
// Starts the calendar service: settings from the environment, one `listening on` line on stdout,
// exit code 2 on a bad setting, a clean exit 0 on SIGTERM or SIGINT (../../calendar-common).
import { httpsOptions, runCalendar } from "@scopegate-examples/calendar-common";

await runCalendar("calendar-fastify", async () => {
  const { createVerifier } = await import("@scopegate/fastify");
  const { createApp } = await import("./app.js");
  return {
    build: (options, config) =>
      createApp({ verifier: createVerifier(options), https: config.tls ? httpsOptions(config.tls) : null }),
    async listen(app, config) {
      await app.listen({ port: config.port, host: config.host });
      return { server: app.server, close: () => app.close() };
    },
  };
});
