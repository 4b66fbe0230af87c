// @ts-check
/**
 * The calendar service's settings, from the environment only (../../../shared/conformance.md).
 * `readConfig` throws a `ConfigError` whose one-line message names the variable when a setting is
 * missing or invalid; `verifierOptions` turns the settings into scopegate options, the same for
 * every framework.
 */

import { readFileSync } from "node:fs";
import { createSecureContext } from "node:tls";

export class ConfigError extends Error {
  /** @param {string} message */
  constructor(message) {
    super(message);
    this.name = "ConfigError";
  }
}

/**
 * @param {Record<string, string | undefined>} env
 * @returns {import("./index.js").Config}
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
  const redisUrl = read(env, "REDIS_URL");
  if (redisUrl !== undefined && !/^rediss?:\/\/[^\s]+$/.test(redisUrl)) {
    throw new ConfigError("REDIS_URL must be a redis:// or rediss:// URL");
  }
  return {
    issuer,
    audience,
    jwksUri,
    host,
    port,
    redisUrl,
    introspection: readIntrospection(env),
    tls: readTls(env),
    publicUrl: readPublicUrl(env),
    resource: read(env, "RESOURCE"),
    dpop: readDpop(env),
    offloadSignatures: readOffloadSignatures(env),
  };
}

/**
 * `OFFLOAD_SIGNATURES`: `true` checks new tokens' signatures on libuv's thread pool, `false` (the
 * default) on the event loop. This repository's addition to the contract's settings.
 * @param {Record<string, string | undefined>} env
 */
function readOffloadSignatures(env) {
  const value = read(env, "OFFLOAD_SIGNATURES") ?? "false";
  if (value !== "true" && value !== "false")
    throw new ConfigError("OFFLOAD_SIGNATURES must be true or false");
  return value === "true";
}

/** The values of `DPOP`. */
const DPOP_MODES = ["allowed", "required", "disabled"];

/**
 * `DPOP`: `allowed` (the default), `required` or `disabled`.
 * @param {Record<string, string | undefined>} env
 * @returns {import("./index.js").DpopMode}
 */
function readDpop(env) {
  const value = read(env, "DPOP") ?? "allowed";
  if (!DPOP_MODES.includes(value)) throw new ConfigError("DPOP must be allowed, required or disabled");
  return /** @type {import("./index.js").DpopMode} */ (value);
}

/**
 * TLS_CERT and TLS_KEY (PEM files) turn HTTPS on; TLS_CA (a PEM file) then asks clients for a
 * certificate issued by that CA, without requiring one (mutual TLS for certificate-bound tokens).
 * @param {Record<string, string | undefined>} env
 * @returns {import("./index.js").TlsConfig | null}
 */
function readTls(env) {
  const certFile = read(env, "TLS_CERT");
  const keyFile = read(env, "TLS_KEY");
  const caFile = read(env, "TLS_CA");
  if (certFile === undefined && keyFile === undefined) {
    if (caFile !== undefined)
      throw new ConfigError(
        "TLS_CA needs TLS_CERT and TLS_KEY: client certificates are asked for over HTTPS only",
      );
    return null;
  }
  if (certFile === undefined || keyFile === undefined)
    throw new ConfigError("TLS_CERT and TLS_KEY go together: set both, PEM files, to serve HTTPS");
  const tls = {
    cert: readPemFile("TLS_CERT", certFile),
    key: readPemFile("TLS_KEY", keyFile),
    ca: caFile === undefined ? undefined : readPemFile("TLS_CA", caFile),
  };
  try {
    createSecureContext(httpsOptions(tls));
  } catch (error) {
    const reason = /** @type {NodeJS.ErrnoException} */ (error).code ?? "unreadable PEM";
    throw new ConfigError(
      `TLS_CERT, TLS_KEY${caFile ? " and TLS_CA" : ""} do not make a TLS configuration (${reason})`,
    );
  }
  return tls;
}

/**
 * @param {string} name
 * @param {string} file
 */
function readPemFile(name, file) {
  let text;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new ConfigError(
      `${name}: cannot read ${file} (${/** @type {NodeJS.ErrnoException} */ (error).code ?? "error"})`,
    );
  }
  if (!text.includes("-----BEGIN ")) throw new ConfigError(`${name}: ${file} is not a PEM file`);
  return text;
}

/**
 * Whether the service asks clients for a certificate (TLS on, with TLS_CA): then certificate-bound
 * tokens can be used, and the RFC 9728 metadata says so.
 * @param {import("./index.js").Config} config
 */
export function asksForClientCertificates(config) {
  return config.tls !== null && config.tls.ca !== undefined;
}

/**
 * The options of `https.createServer()` (Nest's `httpsOptions`, Fastify's `https`) for these TLS
 * settings: with a CA, the server asks every client for a certificate of that CA but keeps
 * connections without one (or with one the CA did not issue) open: scopegate refuses the
 * certificate-bound tokens such a request carries, and plain bearer tokens keep working.
 * @param {import("./index.js").TlsConfig} tls
 * @returns {import("./index.js").HttpsSettings}
 */
export function httpsOptions(tls) {
  return {
    cert: tls.cert,
    key: tls.key,
    ...(tls.ca === undefined ? {} : { ca: tls.ca, requestCert: true, rejectUnauthorized: false }),
  };
}

/**
 * `INTROSPECTION_ENDPOINT`, `INTROSPECTION_CLIENT_ID`, `INTROSPECTION_CLIENT_SECRET`: all three, or none.
 * @param {Record<string, string | undefined>} env
 * @returns {import("./index.js").IntrospectionConfig | undefined}
 */
function readIntrospection(env) {
  const endpoint = read(env, "INTROSPECTION_ENDPOINT");
  const clientId = read(env, "INTROSPECTION_CLIENT_ID");
  const clientSecret = read(env, "INTROSPECTION_CLIENT_SECRET");
  if (endpoint === undefined && clientId === undefined && clientSecret === undefined) return undefined;
  if (endpoint === undefined || clientId === undefined || clientSecret === undefined) {
    throw new ConfigError(
      "INTROSPECTION_ENDPOINT, INTROSPECTION_CLIENT_ID and INTROSPECTION_CLIENT_SECRET go together: set all three or none",
    );
  }
  if (!URL.canParse(endpoint) || !/^https?:$/.test(new URL(endpoint).protocol)) {
    throw new ConfigError("INTROSPECTION_ENDPOINT must be an absolute https:// URL");
  }
  return { endpoint, clientId, clientSecret };
}

/**
 * `PUBLIC_URL`: an absolute `http:` or `https:` origin (a trailing slash is dropped).
 * @param {Record<string, string | undefined>} env
 */
function readPublicUrl(env) {
  const value = read(env, "PUBLIC_URL");
  if (value === undefined) return undefined;
  /** @type {URL | undefined} */
  let url;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (
    !url ||
    !/^https?:$/.test(url.protocol) ||
    url.pathname !== "/" ||
    url.search ||
    url.hash ||
    url.username
  ) {
    throw new ConfigError(
      "PUBLIC_URL must be an origin such as https://calendar.example.com or http://127.0.0.1:3000",
    );
  }
  return url.origin;
}

export { CALENDAR_SCOPES } from "./scopes.js";

/** Where the protected resource metadata is served (conformance.md, "Protected resource metadata"). */
export const RESOURCE_METADATA_PATH = "/.well-known/oauth-protected-resource";

/**
 * The verifier options for these settings: the library's defaults for everything else.
 * @param {import("./index.js").Config} config
 * @param {import("./index.js").SharedState | null} [shared] state shared with other instances (REDIS_URL)
 */
export function verifierOptions(config, shared = null) {
  const publicUrl = config.publicUrl ?? `http://${config.host}:${config.port}`;
  return {
    issuer: config.issuer,
    audience: config.audience,
    // Published in the RFC 9728 metadata; the accepted audience stays AUDIENCE.
    resource: config.resource ?? publicUrl,
    resourceMetadataUrl: `${publicUrl}${RESOURCE_METADATA_PATH}`,
    ...(config.jwksUri ? { jwksUri: config.jwksUri } : {}),
    ...(shared ? { jwks: { store: shared.jwksStore } } : {}),
    // A proof's htu is checked against PUBLIC_URL, never the Host header; with REDIS_URL a proof seen
    // by one instance is a replay at every other.
    dpop: {
      mode: config.dpop,
      publicUrl,
      ...(shared ? { replayStore: shared.replayStore } : {}),
    },
    // Tokens that are not JWTs are introspected (RFC 7662, client_secret_basic: the library's default).
    ...(config.introspection ? { introspection: { ...config.introspection } } : {}),
    // New tokens' signatures on libuv's thread pool: worth it with more cores than event loops.
    ...(config.offloadSignatures ? { offloadSignatures: true } : {}),
  };
}

/** The variable behind each verifier option, to name it in error messages. */
const VARIABLES = /** @type {Record<string, string>} */ ({
  issuer: "ISSUER",
  audience: "AUDIENCE",
  jwksUri: "JWKS_URI",
  resource: "RESOURCE",
  resourceMetadataUrl: "PUBLIC_URL",
  "dpop.publicUrl": "PUBLIC_URL",
  "dpop.mode": "DPOP",
  offloadSignatures: "OFFLOAD_SIGNATURES",
  "introspection.endpoint": "INTROSPECTION_ENDPOINT",
  "introspection.clientId": "INTROSPECTION_CLIENT_ID",
  "introspection.clientSecret": "INTROSPECTION_CLIENT_SECRET",
});

/**
 * A verifier's configuration error speaks of options (`issuer`); the operator set variables (ISSUER).
 * @param {string} message
 */
export function namingVariables(message) {
  return message.replace(/`([A-Za-z.]+)(\[[^\]]*\])?`/g, (whole, /** @type {string} */ option) =>
    VARIABLES[option] === undefined ? whole : VARIABLES[option],
  );
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
