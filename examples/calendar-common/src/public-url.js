// @ts-check
/**
 * `PUBLIC_URL` and `RESOURCE` (../../../shared/conformance.md): the origin clients use, which the
 * default `PUBLIC_URL` takes from the real port; so with `PORT=0` a free port is chosen before the
 * service is built, and the service then listens on it.
 */
import { freePort } from "./free-port.js";

/** Wildcard listen addresses: clients on this machine reach them at 127.0.0.1. */
const WILDCARD_HOSTS = new Set(["0.0.0.0", "::", "[::]"]);

/**
 * The settings with a real port (a free one for `PORT=0`, unless `PUBLIC_URL` is set) and
 * `publicUrl` filled in: `PUBLIC_URL`, else `http://HOST:PORT` (`127.0.0.1` for a wildcard `HOST`).
 * @template {import("./index.js").PublicUrlSettings} C
 * @param {C} config
 * @returns {Promise<C & { port: number, publicUrl: string }>}
 */
export async function resolvePublicUrl(config) {
  if (config.publicUrl !== undefined) return { ...config, publicUrl: config.publicUrl };
  const port = config.port === 0 ? await freePort(config.host) : config.port;
  const host = WILDCARD_HOSTS.has(config.host) ? "127.0.0.1" : config.host;
  const shown = host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;
  return { ...config, port, publicUrl: `${config.tls ? "https" : "http"}://${shown}:${port}` };
}
