import type { AuthorizationServerOptions, ClientRegistration } from "./server.js";

/** The calendar API's identifier: the `resource` clients ask for and the `aud` of their tokens. */
export const CALENDAR_API = "https://calendar.example.com";

/** The scopes the calendar API defines. */
export const CALENDAR_SCOPES = [
  "event.read",
  "event.create",
  "event.delete",
  "report.read",
  "admin",
] as const;

type Env = Readonly<Record<string, string | undefined>>;

/**
 * The demo's clients. Secrets come from the environment; the defaults are for this local demo only.
 * - `task-service`: creates, lists and deletes events.
 * - `reporting`: reads reports.
 * - `short-lived`: reads events with tokens that expire after a second, to show expiry.
 */
export function demoClients(env: Env = process.env): ClientRegistration[] {
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
  ];
}

/** Options for the demo's authorization server, from the environment. */
export function demoOptions(env: Env = process.env): AuthorizationServerOptions {
  return {
    audience: env.AUDIENCE || CALENDAR_API,
    apiScopes: CALENDAR_SCOPES,
    clients: demoClients(env),
    host: env.HOST || "127.0.0.1",
    port: env.PORT === undefined || env.PORT === "" ? 0 : Number(env.PORT),
    ...(env.ADMIN_TOKEN ? { adminToken: env.ADMIN_TOKEN } : {}),
  };
}
