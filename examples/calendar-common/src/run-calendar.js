// @ts-check
/**
 * The start-up every calendar example shares: settings, shared state, the framework's app, the
 * `listening on` line, exit code 2 for a bad setting or an address that cannot be had, and a clean
 * stop on SIGTERM. An example says only how its framework builds the app and listens.
 */
import { readConfig, verifierOptions } from "./config.js";
import { announceListening, closeServer, exitWithConfigError, handleSignals } from "./lifecycle.js";
import { resolvePublicUrl } from "./public-url.js";
import { connectSharedState } from "./shared-state.js";

/**
 * Runs a calendar service. `load` imports the framework (after the signal handlers are installed, so
 * that a SIGTERM during start-up also ends with exit code 0) and says how to build and serve the app.
 * @template App
 * @param {string} name the service's name, first on an error line
 * @param {() => Promise<import("./index.js").CalendarFramework<App>>} load
 * @returns {Promise<void>}
 */
export async function runCalendar(name, load) {
  const onStop = handleSignals();
  const framework = await load();
  /** @type {import("./index.js").Config & { publicUrl: string }} */
  let config;
  /** @type {import("./index.js").SharedState | null} */
  let shared = null;
  /** @type {App} */
  let app;
  try {
    config = await resolvePublicUrl(readConfig(process.env));
    shared = await connectSharedState(config);
    app = await framework.build(verifierOptions(config, shared), config);
  } catch (error) {
    exitWithConfigError(name, error);
  }
  /** @type {import("./index.js").RunningServer} */
  let running;
  try {
    running = await framework.listen(app, config);
  } catch (error) {
    const reason = /** @type {NodeJS.ErrnoException} */ (error).code ?? String(error);
    exitWithConfigError(name, `cannot listen on ${config.host}:${config.port} (${reason})`);
  }
  announceListening(running.server, config);
  onStop(async () => {
    await running.close();
    await shared?.close();
  });
}

/**
 * Listens with a Node HTTP(S) server on the configured address; resolves once it accepts
 * connections, rejects with the listen error (`EADDRINUSE`, …).
 * @param {import("node:http").Server} server
 * @param {{ host: string, port: number }} config
 * @returns {Promise<import("./index.js").RunningServer>}
 */
export function listenNode(server, config) {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.once("listening", () => {
      server.off("error", reject);
      resolve({ server, close: () => closeServer(server) });
    });
    if (!server.listening) server.listen(config.port, config.host);
  });
}
