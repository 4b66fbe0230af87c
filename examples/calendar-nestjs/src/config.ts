/**
 * The service's configuration, from the environment only (see ../README.md). `readConfig` throws a
 * `ConfigError` with a one-line message naming the variable when a setting is missing or invalid.
 */
export class ConfigError extends Error {
  override name = "ConfigError";
}

export interface Config {
  /** Expected `iss`, and the base for discovery. */
  issuer: string;
  /** Expected `aud` values. */
  audience: string[];
  /** Where the keys are; discovered from `issuer` when absent. */
  jwksUri: string | undefined;
  /** Listen address. */
  host: string;
  /** Listen port (0 picks a free one). */
  port: number;
}

/** An empty or blank variable counts as unset. */
function read(env: Record<string, string | undefined>, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

export function readConfig(env: Record<string, string | undefined>): Config {
  const issuer = read(env, "ISSUER");
  if (issuer === undefined)
    throw new ConfigError("ISSUER is required: the authorization server's issuer URL");
  const audienceList = read(env, "AUDIENCE");
  if (audienceList === undefined) {
    throw new ConfigError("AUDIENCE is required: this API's identifier(s), comma-separated");
  }
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
