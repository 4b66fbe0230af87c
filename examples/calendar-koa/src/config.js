// @ts-check
/**
 * Reads the service's configuration from the environment (see ../README.md). Throws a
 * `ConfigError` with a one-line message naming the variable when a setting is missing or invalid.
 */

export class ConfigError extends Error {
  /** @param {string} message */
  constructor(message) {
    super(message);
    this.name = "ConfigError";
  }
}

/**
 * @typedef {object} Config
 * @property {string} issuer expected `iss`, and the base for discovery
 * @property {string[]} audience expected `aud` values
 * @property {string | undefined} jwksUri where the keys are; discovered from `issuer` when absent
 * @property {string} host listen address
 * @property {number} port listen port (0 picks a free one)
 */

/**
 * @param {Record<string, string | undefined>} env
 * @returns {Config}
 */
export function readConfig(env) {
  const issuer = read(env, "ISSUER");
  if (issuer === undefined)
    throw new ConfigError("ISSUER is required: the authorization server's issuer URL");
  const audienceList = read(env, "AUDIENCE");
  if (audienceList === undefined)
    throw new ConfigError("AUDIENCE is required: this API's identifier(s), comma-separated");
  const audience = audienceList.split(",").map((value) => value.trim());
  if (audience.some((value) => value === "")) {
    throw new ConfigError("AUDIENCE must be a comma-separated list of non-empty identifiers");
  }
  const jwksUri = read(env, "JWKS_URI");
  const host = read(env, "HOST") ?? "127.0.0.1";
  const portText = read(env, "PORT") ?? "3000";
  const port = /^\d{1,5}$/.test(portText) ? Number(portText) : Number.NaN;
  if (!(port >= 0 && port <= 65535)) throw new ConfigError("PORT must be an integer from 0 to 65535");
  return { issuer, audience, jwksUri, host, port };
}

/**
 * An empty or blank variable counts as unset.
 * @param {Record<string, string | undefined>} env
 * @param {string} name
 */
function read(env, name) {
  const value = env[name]?.trim();
  return value ? value : undefined;
}
