#!/usr/bin/env node
// @ts-check
// Starts the calendar service: settings from the environment, one `listening on` line on stdout,
// exit code 2 on a bad setting, a clean exit 0 on SIGTERM or SIGINT (../../calendar-common).
import {
  asksForClientCertificates,
  createNodeServer,
  listenNode,
  runCalendar,
} from "@scopegate-examples/calendar-common";

await runCalendar("calendar-express", async () => {
  const { createVerifier } = await import("@scopegate/express");
  const { createApp } = await import("./app.js");
  return {
    build: (options, config) =>
      createApp({ verifier: createVerifier(options), clientCertificates: asksForClientCertificates(config) }),
    listen: (app, config) => listenNode(createNodeServer(config, app), config),
  };
});
