#!/usr/bin/env node
// @ts-check
// `pnpm start`: the demo authorization server in the foreground (see ../README.md for the settings).
// Prints `listening on http://HOST:PORT` (also the issuer). SIGUSR2 or the admin endpoint rotates
// the signing key; SIGTERM or SIGINT stop it.
import { demoOptions } from "./demo-config.js";
import { startAuthorizationServer } from "./server.js";

const NAME = "authorization-server";

/** @type {import("./server.js").AuthorizationServerOptions} */
let options;
try {
  options = demoOptions();
} catch (error) {
  process.stderr.write(`${NAME}: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(2);
}

const server = await startAuthorizationServer(options).catch((/** @type {NodeJS.ErrnoException} */ error) => {
  process.stderr.write(
    `${NAME}: cannot listen on ${options.host}:${options.port} (${error.code ?? error.message})\n`,
  );
  process.exit(2);
});
process.stdout.write(`listening on ${server.url}\n`);
process.stdout.write(`signing key ${server.currentKid}\n`);
if (server.mutualTlsUrl) process.stdout.write(`mutual TLS on ${server.mutualTlsUrl}\n`);

let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  server.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
if (process.platform !== "win32") {
  process.on("SIGUSR2", () => {
    server.rotateKeys().then(
      ({ kid, previousKid }) => process.stdout.write(`rotated signing key ${previousKid} -> ${kid}\n`),
      () => process.stderr.write(`${NAME}: key rotation failed\n`),
    );
  });
}
