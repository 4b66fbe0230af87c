// @ts-check
/**
 * The MCP server's settings, from the environment only (the "MCP example" section of
 * ../../../shared/conformance.md): `ISSUER`, `JWKS_URI`, `HOST`, `PORT`, `PUBLIC_URL`, `RESOURCE`.
 * What the calendar examples share (the lifecycle, `resolvePublicUrl`) comes from calendar-common;
 * URL checks of `ISSUER`, `JWKS_URI` and `RESOURCE` are the verifier's, at construction.
 */
import { ConfigError } from "@scopegate-examples/calendar-common";

/** Where the MCP endpoint is, and so the default resource's path. */
export const MCP_PATH = "/mcp";
/** Where the RFC 9728 metadata of the `/mcp` resource is served. */
export const METADATA_PATH = `/.well-known/oauth-protected-resource${MCP_PATH}`;

/**
 * @typedef {object} McpConfig
 * @property {string} issuer expected `iss`, and the base for discovery (`ISSUER`)
 * @property {string | undefined} jwksUri where the keys are (`JWKS_URI`); discovered when absent
 * @property {string} host listen address (`HOST`). Default: `127.0.0.1`.
 * @property {number} port listen port (`PORT`); 0 picks a free one. Default: `3000`.
 * @property {string | undefined} publicUrl the origin clients use (`PUBLIC_URL`). Default: `http://HOST:PORT`.
 * @property {string | undefined} resource the canonical resource URI (`RESOURCE`). Default: `<PUBLIC_URL>/mcp`.
 */

/**
 * Reads the settings; a missing or invalid one throws a `ConfigError` naming the variable.
 * @param {Record<string, string | undefined>} env
 * @returns {McpConfig}
 */
export function readMcpConfig(env) {
  const issuer = read(env, "ISSUER");
  if (issuer === undefined)
    throw new ConfigError("ISSUER is required: the authorization server's issuer URL");
  const portText = read(env, "PORT") ?? "3000";
  const port = /^\d{1,5}$/.test(portText) ? Number(portText) : Number.NaN;
  if (!(port >= 0 && port <= 65535)) throw new ConfigError("PORT must be an integer from 0 to 65535");
  return {
    issuer,
    jwksUri: read(env, "JWKS_URI"),
    host: read(env, "HOST") ?? "127.0.0.1",
    port,
    publicUrl: origin(read(env, "PUBLIC_URL")),
    resource: read(env, "RESOURCE"),
  };
}

/**
 * The verifier options: `resource` is the only accepted audience (no `audience` option), and every
 * challenge points at the metadata under `PUBLIC_URL`.
 * @param {McpConfig & { publicUrl: string }} config
 */
export function mcpVerifierOptions(config) {
  return {
    issuer: config.issuer,
    resource: config.resource ?? `${config.publicUrl}${MCP_PATH}`,
    resourceMetadataUrl: `${config.publicUrl}${METADATA_PATH}`,
    ...(config.jwksUri ? { jwksUri: config.jwksUri } : {}),
  };
}

/**
 * `PUBLIC_URL`: an absolute `http:` or `https:` origin; a trailing slash is dropped.
 * @param {string | undefined} value
 */
function origin(value) {
  if (value === undefined) return undefined;
  const url = URL.canParse(value) ? new URL(value) : undefined;
  const bare = url && url.pathname === "/" && !url.search && !url.hash && !url.username && !url.password;
  if (!bare || !/^https?:$/.test(url.protocol))
    throw new ConfigError(
      "PUBLIC_URL must be an origin such as https://mcp.example.com or http://127.0.0.1:3000",
    );
  return url.origin;
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
