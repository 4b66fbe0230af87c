import { type CalendarResponse, callCalendar, createCalendarClient } from "./calendar-client.js";
import { type AccessToken, createTokenSource, type TokenSource } from "./token-source.js";

export interface ScenarioOptions {
  /** The authorization server's issuer identifier. */
  issuer: string;
  /** Base URL of the calendar service. */
  calendarUrl: string;
  /** The calendar API's identifier (the `resource` asked for, the tokens' `aud`). */
  audience: string;
  /** Client secrets. Default: the demo authorization server's defaults. */
  secrets?: { taskService?: string; reporting?: string; shortLived?: string };
  /** Rotates the authorization server's signing key (the demo runner calls its admin endpoint). */
  rotateKeys(): Promise<{ kid: string; previousKid: string }>;
  /** The calendar service's clock tolerance, to know how long an expired token needs. Default: `5` (scopegate's default). */
  clockToleranceSec?: number;
  /** Receives the transcript, line by line. Default: ignore. */
  log?: (line: string) => void;
  /** Waits. Default: `setTimeout`. */
  sleep?: (ms: number) => Promise<void>;
}

export interface ScenarioStep {
  title: string;
  ok: boolean;
  /** HTTP status, when the step is a call to the calendar service. */
  status?: number;
  detail: string;
}

export interface ScenarioResult {
  ok: boolean;
  steps: ScenarioStep[];
}

const STATUS_TEXT: Record<number, string> = {
  200: "OK",
  201: "Created",
  204: "No Content",
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  500: "Internal Server Error",
  503: "Service Unavailable",
};

/**
 * The key id a token was signed with, for the transcript only: a client normally treats access
 * tokens as opaque. Reads the JOSE header, never the signature or claims.
 */
export function signingKeyOf(token: AccessToken): string {
  try {
    const header = JSON.parse(Buffer.from(token.reveal().split(".")[0] ?? "", "base64url").toString("utf8"));
    return typeof header.kid === "string" ? header.kid : "(none)";
  } catch {
    return "(unreadable)";
  }
}

const short = (kid: string) => (kid.length > 10 ? `${kid.slice(0, 8)}…` : kid);

function describe(token: AccessToken, now: number): string {
  const seconds = Math.round((token.expiresAt.getTime() - now) / 1000);
  return `scope "${token.scopes.join(" ")}", expires in ${seconds} s (${token.expiresAt.toISOString().slice(11, 19)} UTC), key ${short(signingKeyOf(token))}`;
}

function errorDescription(body: unknown): string | undefined {
  if (body && typeof body === "object" && "error_description" in body) {
    const text = (body as { error_description: unknown }).error_description;
    return typeof text === "string" ? text : undefined;
  }
  return undefined;
}

/**
 * The task service's story against the calendar service: get a token, create and list events, be
 * refused without the right scope, without a token and with an expired token, and keep working
 * across a signing-key rotation. Returns every step; `ok` is true when each went as expected.
 */
export async function runScenario(options: ScenarioOptions): Promise<ScenarioResult> {
  const log = options.log ?? (() => {});
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const tolerance = options.clockToleranceSec ?? 5;
  const steps: ScenarioStep[] = [];
  const secrets = options.secrets ?? {};

  const source = (clientId: string, clientSecret: string, scope: string[]): TokenSource =>
    createTokenSource({ issuer: options.issuer, clientId, clientSecret, scope, resource: options.audience });

  const check = (title: string, ok: boolean, detail: string, status?: number) => {
    steps.push({ title, ok, detail, ...(status !== undefined ? { status } : {}) });
    log(`  ${ok ? "✔" : "✘"} ${title}${detail ? `  ${detail}` : ""}`);
  };
  const expectStatus = (
    title: string,
    response: CalendarResponse,
    expected: number,
    extra: { detail?: string; challenge?: RegExp } = {},
  ) => {
    const statusOk = response.status === expected;
    const challengeOk = extra.challenge === undefined || extra.challenge.test(response.challenge ?? "");
    const shown = `→ ${response.status} ${STATUS_TEXT[response.status] ?? ""}`.trimEnd();
    let detail = extra.detail ?? "";
    if (!statusOk) detail = `(expected ${expected}) ${JSON.stringify(response.body)}`;
    else if (!challengeOk) detail = `unexpected challenge: ${response.challenge ?? "(none)"}`;
    check(`${title} ${shown}`, statusOk && challengeOk, detail, response.status);
  };
  const section = (text: string) => log(`\n${text}`);

  // 1. The task service gets a token for everything it does.
  section(
    "task-service gets a token (client credentials grant, client_secret_basic, resource = calendar API)",
  );
  const full = source("task-service", secrets.taskService ?? "task-service-demo-secret", [
    "event.read",
    "event.create",
    "event.delete",
  ]);
  const { token: first } = await full.getToken();
  check(
    "token obtained",
    ["event.read", "event.create", "event.delete"].every((s) => first.scopes.includes(s)),
    describe(first, Date.now()),
  );
  const calendar = createCalendarClient(options.calendarUrl, full);

  const created = await calendar.createEvent({ title: "Quarterly planning", start: "2030-01-15T10:00:00Z" });
  const id = (created.body as { id?: unknown } | null)?.id;
  expectStatus("POST   /events", created, 201, { detail: `created event ${JSON.stringify(id)}` });
  const eventId = String(id ?? "missing");

  const listed = await calendar.listEvents();
  const events = (listed.body as { events?: unknown[] } | null)?.events;
  expectStatus("GET    /events", listed, 200, {
    detail: `${Array.isArray(events) ? events.length : "?"} event(s), same token (from the task service's cache)`,
  });

  // 2. A token without event.delete: least privilege, refused by the route that needs it.
  section('a narrower token: scope "event.read event.create" (no event.delete)');
  const narrow = source("task-service", secrets.taskService ?? "task-service-demo-secret", [
    "event.read",
    "event.create",
  ]);
  const { token: narrowToken } = await narrow.getToken();
  const refused = await callCalendar(options.calendarUrl, {
    method: "DELETE",
    path: `/events/${encodeURIComponent(eventId)}`,
    token: narrowToken,
  });
  expectStatus(`DELETE /events/${eventId}`, refused, 403, {
    detail: `WWW-Authenticate: ${refused.challenge ?? "(none)"}`,
    challenge: /error="insufficient_scope"/,
  });
  const deleted = await calendar.deleteEvent(eventId);
  expectStatus(`DELETE /events/${eventId} with the full token`, deleted, 204);

  // 3. Another client, another scope.
  section('reporting gets its own token: scope "report.read"');
  const reporting = source("reporting", secrets.reporting ?? "reporting-demo-secret", ["report.read"]);
  const { token: reportToken } = await reporting.getToken();
  const reports = await callCalendar(options.calendarUrl, {
    method: "GET",
    path: "/reports",
    token: reportToken,
  });
  expectStatus("GET    /reports", reports, 200);

  // 4. No token at all.
  section("no token");
  const anonymous = await callCalendar(options.calendarUrl, { method: "GET", path: "/events", token: null });
  expectStatus("GET    /events", anonymous, 401, {
    detail: `WWW-Authenticate: ${anonymous.challenge ?? "(none)"}`,
    challenge: /^Bearer realm="[^"]*"$/,
  });

  // 5. An expired token, honestly obtained: the short-lived client's tokens live one second.
  section("an expired token (client short-lived: the authorization server gives it 1-second tokens)");
  const shortLived = source("short-lived", secrets.shortLived ?? "short-lived-demo-secret", ["event.read"]);
  const { token: brief } = await shortLived.getToken();
  const fresh = await callCalendar(options.calendarUrl, { method: "GET", path: "/events", token: brief });
  expectStatus("GET    /events while it is fresh", fresh, 200);
  const waitMs = brief.expiresAt.getTime() + (tolerance + 1) * 1000 - Date.now();
  log(
    `    … waiting ${Math.ceil(waitMs / 1000)} s: its lifetime plus the calendar service's ${tolerance} s clock tolerance`,
  );
  await sleep(Math.max(0, waitMs));
  const expired = await callCalendar(options.calendarUrl, { method: "GET", path: "/events", token: brief });
  expectStatus("GET    /events once it has expired", expired, 401, {
    detail: `error_description: ${JSON.stringify(errorDescription(expired.body) ?? null)}`,
    challenge: /error="invalid_token"/,
  });

  // 6. Key rotation at the authorization server.
  const { kid, previousKid } = await options.rotateKeys();
  section(
    `key rotation: the authorization server now signs with ${short(kid)} (${short(previousKid)} stays published)`,
  );
  const before = await calendar.listEvents();
  expectStatus("GET    /events with the cached token (old key)", before, 200);
  full.invalidate();
  const { token: rotated } = await full.getToken();
  const rotatedKid = signingKeyOf(rotated);
  check("new token obtained", rotatedKid === kid, describe(rotated, Date.now()));
  const after = await calendar.listEvents();
  expectStatus("GET    /events with the new token", after, 200, {
    detail: "the calendar service did not know that key yet: it fetched the JWKS again",
  });

  return { ok: steps.every((s) => s.ok), steps };
}
