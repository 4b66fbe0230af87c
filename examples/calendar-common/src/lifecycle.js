// @ts-check
/**
 * The process around a calendar service, the same for every framework: one `listening on` line on
 * stdout once it accepts connections, a one-line error on stderr and exit code 2 for a bad setting,
 * a clean exit 0 within two seconds on SIGTERM or SIGINT.
 */
import { createServer as createHttpServer } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { httpsOptions, namingVariables } from "./config.js";

/**
 * The Node server for a request listener (an Express app, Koa's `app.callback()`): HTTPS with the
 * TLS settings, else HTTP.
 * @param {import("./index.js").Config} config
 * @param {import("node:http").RequestListener} listener
 * @returns {import("node:http").Server}
 */
export function createNodeServer(config, listener) {
  if (config.tls === null) return createHttpServer(listener);
  // An https.Server is an http.Server for everything the lifecycle does with it (listen, close).
  return /** @type {import("node:http").Server} */ (
    /** @type {unknown} */ (createHttpsServer(httpsOptions(config.tls), listener))
  );
}

/**
 * Installs the signal handlers first, so that a signal during start-up also ends with exit code 0.
 * Returns a function that hands over how to stop the running service.
 * @returns {(stop: () => Promise<void>) => void}
 */
export function handleSignals() {
  /** @type {(() => Promise<void>) | undefined} */
  let stopService;
  const shutdown = () => {
    if (!stopService) process.exit(0);
    // Whatever happens, the process is gone within two seconds.
    setTimeout(() => process.exit(0), 1_800).unref();
    stopService().then(
      () => process.exit(0),
      () => process.exit(0),
    );
  };
  process.once("SIGTERM", shutdown);
  process.once("SIGINT", shutdown);
  return (stop) => {
    stopService = stop;
  };
}

/**
 * Ends the process: one line on stderr (the variables named as the operator set them), exit code 2.
 * @param {string} name the service's name, first on the line
 * @param {unknown} error
 * @returns {never}
 */
export function exitWithConfigError(name, error) {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`${name}: ${namingVariables(message).replace(/\s+/g, " ").trim()}\n`);
  process.exit(2);
}

/**
 * Prints the one `listening on` line for a listening Node server.
 * @param {import("node:net").Server} server
 * @param {{ host: string, port: number, tls?: import("./index.js").TlsConfig | null }} config
 * @param {{ tls?: boolean }} [options] default: HTTPS when the settings have TLS on
 */
export function announceListening(server, config, options = {}) {
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : config.port;
  const host = config.host.includes(":") ? `[${config.host}]` : config.host;
  const tls = options.tls ?? (config.tls !== undefined && config.tls !== null);
  process.stdout.write(`listening on ${tls ? "https" : "http"}://${host}:${port}\n`);
}

/**
 * Stops a Node HTTP(S) server: idle keep-alive connections close at once; requests still running
 * get one second to finish, then their connections are closed too.
 * @param {import("node:http").Server} server
 * @returns {Promise<void>}
 */
export function closeServer(server) {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
    setTimeout(() => server.closeAllConnections(), 1_000).unref();
  });
}
