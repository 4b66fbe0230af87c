// @ts-check
import { readFileSync } from "node:fs";

/** The calendar API's identifier: the `resource` clients ask for and the `aud` of their tokens. */
export const CALENDAR_API = "https://calendar.example.com";

/** The scopes the calendar API defines. */
export const CALENDAR_SCOPES = Object.freeze([
  "event.read",
  "event.create",
  "event.delete",
  "report.read",
  "admin",
]);

/**
 * The demo's clients. Secrets come from the environment; the defaults are for this local demo only.
 * - `task-service`: creates, lists and deletes events.
 * - `reporting`: reads reports.
 * - `short-lived`: reads events with tokens that expire after one second, to show expiry.
 * - `batch-jobs`: reads events with opaque tokens, which the calendar service introspects.
 * - `task-service-dpop`: the task service's DPoP identity: every token is bound to its proof key (RFC 9449).
 * - `task-service-mtls`: the task service's mutual-TLS identity: every token is bound to the client
 *   certificate it came with (RFC 8705); needs the server's mutual-TLS listener.
 * @param {Readonly<Record<string, string | undefined>>} [env]
 * @returns {import("./server.js").ClientRegistration[]}
 */
export function demoClients(env = process.env) {
  return [
    {
      clientId: "task-service",
      clientSecret: env.TASK_SERVICE_CLIENT_SECRET || "task-service-demo-secret",
      scope: "event.read event.create event.delete",
    },
    {
      clientId: "reporting",
      clientSecret: env.REPORTING_CLIENT_SECRET || "reporting-demo-secret",
      scope: "report.read",
    },
    {
      clientId: "short-lived",
      clientSecret: env.SHORT_LIVED_CLIENT_SECRET || "short-lived-demo-secret",
      scope: "event.read",
      accessTokenTtlSec: 1,
    },
    {
      clientId: "batch-jobs",
      clientSecret: env.BATCH_JOBS_CLIENT_SECRET || "batch-jobs-demo-secret",
      scope: "event.read",
      accessTokenFormat: "opaque",
    },
    {
      clientId: "task-service-dpop",
      clientSecret: env.TASK_SERVICE_DPOP_CLIENT_SECRET || "task-service-dpop-demo-secret",
      scope: "event.read event.create",
      senderConstraint: "dpop",
    },
    {
      clientId: "task-service-mtls",
      clientSecret: env.TASK_SERVICE_MTLS_CLIENT_SECRET || "task-service-mtls-demo-secret",
      scope: "event.read event.create",
      senderConstraint: "mtls",
    },
  ];
}

/**
 * The resource servers allowed to introspect: the calendar service. Its secret comes from the
 * environment; the default is for this local demo only.
 * @param {Readonly<Record<string, string | undefined>>} [env]
 * @returns {import("./server.js").IntrospectionClientRegistration[]}
 */
export function demoIntrospectionClients(env = process.env) {
  return [
    {
      clientId: "calendar-service",
      clientSecret: env.CALENDAR_INTROSPECTION_SECRET || "calendar-introspection-demo-secret",
    },
  ];
}

/**
 * Options for the demo's authorization server, from the environment. Throws a one-line `Error`
 * naming the variable when a setting is invalid.
 * @param {Readonly<Record<string, string | undefined>>} [env]
 * @returns {import("./server.js").AuthorizationServerOptions}
 */
export function demoOptions(env = process.env) {
  const port = env.PORT === undefined || env.PORT === "" ? 0 : Number(env.PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error("PORT must be an integer from 0 to 65535");
  }
  const audience = env.AUDIENCE || CALENDAR_API;
  try {
    new URL(audience);
  } catch {
    throw new Error("AUDIENCE must be an absolute URI (an RFC 8707 resource indicator)");
  }
  const resources = (env.RESOURCES ?? "")
    .split(",")
    .map((resource) => resource.trim())
    .filter((resource) => resource !== "");
  if (!resources.every((resource) => URL.canParse(resource))) {
    throw new Error(
      "RESOURCES must be a comma-separated list of absolute URIs (RFC 8707 resource indicators)",
    );
  }
  return {
    audience,
    resources,
    apiScopes: CALENDAR_SCOPES,
    clients: demoClients(env),
    introspectionClients: demoIntrospectionClients(env),
    host: env.HOST || "127.0.0.1",
    port,
    ...(env.ADMIN_TOKEN ? { adminToken: env.ADMIN_TOKEN } : {}),
    ...mutualTlsFromEnv(env),
  };
}

const MUTUAL_TLS_VARIABLES = /** @type {const} */ (["MTLS_CERT", "MTLS_KEY", "MTLS_CA"]);

/**
 * `MTLS_CERT`, `MTLS_KEY`, `MTLS_CA` (PEM files, all three or none): the mutual-TLS listener for
 * certificate-bound tokens.
 * @param {Readonly<Record<string, string | undefined>>} env
 * @returns {{ mutualTls?: import("./mutual-tls.js").MutualTlsOptions }}
 */
function mutualTlsFromEnv(env) {
  const set = MUTUAL_TLS_VARIABLES.filter((name) => env[name]);
  if (set.length === 0) return {};
  if (set.length !== MUTUAL_TLS_VARIABLES.length) {
    throw new Error("MTLS_CERT, MTLS_KEY and MTLS_CA go together: set all three (PEM files) or none");
  }
  /** @param {(typeof MUTUAL_TLS_VARIABLES)[number]} name */
  const pem = (name) => {
    try {
      return readFileSync(String(env[name]), "utf8");
    } catch {
      throw new Error(`${name} must name a readable PEM file`);
    }
  };
  return { mutualTls: { cert: pem("MTLS_CERT"), key: pem("MTLS_KEY"), ca: pem("MTLS_CA") } };
}
