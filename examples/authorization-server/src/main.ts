// `pnpm start`: runs the demo authorization server in the foreground.
//   env: HOST (127.0.0.1), PORT (0 = a free port), AUDIENCE (https://calendar.example.com),
//        TASK_SERVICE_CLIENT_SECRET, REPORTING_CLIENT_SECRET, SHORT_LIVED_CLIENT_SECRET (demo defaults),
//        ADMIN_TOKEN (enables POST /admin/rotate-keys on loopback).
// Prints `listening on http://HOST:PORT` (also the issuer). SIGUSR2 or the admin endpoint rotates the
// signing key; SIGTERM/SIGINT stop it.
import { demoOptions } from "./demo-config.js";
import { startAuthorizationServer } from "./server.js";

const options = demoOptions();
if (!Number.isInteger(options.port) || (options.port as number) < 0 || (options.port as number) > 65535) {
  process.stderr.write(`authorization-server: PORT must be an integer from 0 to 65535\n`);
  process.exit(2);
}

const server = await startAuthorizationServer(options);
process.stdout.write(`listening on ${server.url}\n`);
process.stdout.write(`signing key ${server.currentKid}\n`);

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
      () => process.stderr.write("authorization-server: key rotation failed\n"),
    );
  });
}
