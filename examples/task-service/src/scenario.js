// @ts-check
import { callCalendar, createCalendarClient } from "./calendar-client.js";
import { discover } from "./discovery.js";
import { dpopSteps, mutualTlsSteps } from "./sender-constrained.js";
import { createTokenSource } from "./token-source.js";

/**
 * @typedef {object} ScenarioOptions
 * @property {string} issuer the authorization server's issuer identifier
 * @property {string} calendarUrl base URL of the calendar service
 * @property {string} audience the calendar API's identifier (the `resource` asked for, the tokens' `aud`)
 * @property {{ taskService?: string, reporting?: string, shortLived?: string, batchJobs?: string, taskServiceDpop?: string, taskServiceMtls?: string }} [secrets] client secrets.
 *   Default: the demo authorization server's defaults.
 * @property {() => Promise<{ kid: string, previousKid: string }>} rotateKeys rotates the authorization
 *   server's signing key (the demo runner calls its admin endpoint)
 * @property {number} [clockToleranceSec] the calendar service's clock tolerance, to know how long an
 *   expired token needs. Default: `5` (scopegate's default).
 * @property {import("./sender-constrained.js").MutualTlsScenario} [mutualTls] the certificate-bound
 *   part: a calendar service over HTTPS asking for client certificates, and the certificates.
 *   Default: that part is left out.
 * @property {(line: string) => void} [log] receives the transcript, line by line. Default: ignore.
 * @property {(ms: number) => Promise<void>} [sleep] waits. Default: `setTimeout`.
 */

/**
 * @typedef {object} ScenarioStep
 * @property {string} title
 * @property {boolean} ok
 * @property {number} [status] HTTP status, when the step is a call to the calendar service
 * @property {string | null} [challenge] the `WWW-Authenticate` answer, if any
 * @property {string} detail
 */

/** @typedef {{ ok: boolean, steps: ScenarioStep[] }} ScenarioResult */

/** @type {Record<number, string>} */
const STATUS_TEXT = {
  200: "OK",
  201: "Created",
  204: "No Content",
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  500: "Internal Server Error",
  503: "Service Unavailable",
};

/**
 * The key id a token was signed with, for the transcript only: a client normally treats access
 * tokens as opaque. Reads the JOSE header, never the claims.
 * @param {import("./token-source.js").AccessToken} token
 */
export function signingKeyOf(token) {
  try {
    const header = JSON.parse(Buffer.from(token.reveal().split(".")[0] ?? "", "base64url").toString("utf8"));
    return typeof header.kid === "string" ? header.kid : "(none)";
  } catch {
    return "(unreadable)";
  }
}

/** @param {string} kid */
const short = (kid) => (kid.length > 10 ? `${kid.slice(0, 8)}…` : kid);

/** @param {import("./token-source.js").AccessToken} token */
function describe(token) {
  const seconds = Math.round((token.expiresAt.getTime() - Date.now()) / 1000);
  const at = token.expiresAt.toISOString().slice(11, 19);
  return `scope "${token.scopes.join(" ")}", expires in ${seconds} s (${at} UTC), signed with key ${short(signingKeyOf(token))}`;
}

/** @param {unknown} body */
function errorDescription(body) {
  if (body && typeof body === "object" && "error_description" in body) {
    return typeof body.error_description === "string" ? body.error_description : undefined;
  }
  return undefined;
}

/**
 * The task service's story against the calendar service: get a token, create and list events, be
 * refused without the right scope, without a token and with an expired token, and keep working
 * across a signing-key rotation; then DPoP-bound and certificate-bound tokens, and their theft. Returns
 * every step; `ok` is true when each went as expected.
 * @param {ScenarioOptions} options
 * @returns {Promise<ScenarioResult>}
 */
export async function runScenario(options) {
  const log = options.log ?? (() => {});
  const sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  const tolerance = options.clockToleranceSec ?? 5;
  const secrets = options.secrets ?? {};
  const calendarUrl = options.calendarUrl;
  /** @type {ScenarioStep[]} */
  const steps = [];

  /** @param {string} clientId @param {string} clientSecret @param {string[]} scope */
  const source = (clientId, clientSecret, scope) =>
    createTokenSource({ issuer: options.issuer, clientId, clientSecret, scope, resource });

  /** @param {string} title @param {boolean} ok @param {string} detail @param {Partial<ScenarioStep>} [extra] */
  const check = (title, ok, detail, extra = {}) => {
    steps.push({ title, ok, detail, ...extra });
    log(`  ${ok ? "✔" : "✘"} ${title}${detail ? `  ${detail}` : ""}`);
  };
  /**
   * @param {string} title
   * @param {import("./calendar-client.js").CalendarResponse} response
   * @param {number} expected
   * @param {{ detail?: string, challenge?: RegExp }} [extra]
   */
  const expectStatus = (title, response, expected, extra = {}) => {
    const statusOk = response.status === expected;
    const challengeOk = extra.challenge === undefined || extra.challenge.test(response.challenge ?? "");
    const shown = `→ ${response.status} ${STATUS_TEXT[response.status] ?? ""}`.trimEnd();
    let detail = extra.detail ?? "";
    if (!statusOk) detail = `(expected ${expected}) ${JSON.stringify(response.body)}`;
    else if (!challengeOk) detail = `unexpected challenge: ${response.challenge ?? "(none)"}`;
    check(`${title} ${shown}`, statusOk && challengeOk, detail, {
      status: response.status,
      challenge: response.challenge,
    });
  };
  /** @param {string} text */
  const section = (text) => log(`\n${text}`);

  // 0. Discovery (RFC 9728): from the calendar's URL alone to the authorization server and the resource.
  section("discovery: the task service knows only the calendar's URL (RFC 9728, RFC 8414)");
  const discovered = await discover(calendarUrl, options.issuer, check);
  const resource = discovered.resource ?? options.audience;

  // 1. The task service gets a token for everything it does, and uses it until shortly before expiry.
  section(
    "task-service gets a token (client credentials grant, client_secret_basic, resource = the calendar API)",
  );
  const taskSecret = secrets.taskService ?? "task-service-demo-secret";
  const full = source("task-service", taskSecret, ["event.read", "event.create", "event.delete"]);
  const { token: first } = await full.getToken();
  const wanted = ["event.read", "event.create", "event.delete"];
  check(
    "token obtained",
    wanted.every((s) => first.scopes.includes(s)),
    describe(first),
  );
  const calendar = createCalendarClient(calendarUrl, full);

  const created = await calendar.createEvent({ title: "Quarterly planning", start: "2030-01-15T10:00:00Z" });
  const id =
    created.body && typeof created.body === "object" && "id" in created.body ? created.body.id : undefined;
  expectStatus("POST   /events", created, 201, { detail: `created event ${short(String(id))}` });
  const eventId = String(id ?? "missing");

  const listed = await calendar.listEvents();
  const events =
    listed.body && typeof listed.body === "object" && "events" in listed.body
      ? listed.body.events
      : undefined;
  const count = Array.isArray(events) ? events.length : "?";
  expectStatus("GET    /events", listed, 200, {
    detail: `${count} event(s); same token, from the task service's cache`,
  });

  // 2. A token without event.delete (least privilege) is refused by the route that needs it.
  section('a narrower token: scope "event.read event.create", no event.delete');
  const narrow = source("task-service", taskSecret, ["event.read", "event.create"]);
  const { token: narrowToken } = await narrow.getToken();
  const eventPath = `/events/${encodeURIComponent(eventId)}`;
  const shownPath = `/events/${short(eventId)}`;
  const refused = await callCalendar(calendarUrl, { method: "DELETE", path: eventPath, token: narrowToken });
  expectStatus(`DELETE ${shownPath}`, refused, 403, {
    detail: `WWW-Authenticate: ${refused.challenge ?? "(none)"}`,
    challenge: /error="insufficient_scope"/,
  });
  const deleted = await calendar.deleteEvent(eventId);
  expectStatus(`DELETE ${shownPath} with the full token`, deleted, 204);

  // 3. Another client, another scope.
  section('reporting gets its own token: scope "report.read"');
  const reporting = source("reporting", secrets.reporting ?? "reporting-demo-secret", ["report.read"]);
  const { token: reportToken } = await reporting.getToken();
  const reports = await callCalendar(calendarUrl, { method: "GET", path: "/reports", token: reportToken });
  expectStatus("GET    /reports", reports, 200);

  // 3b. A client whose tokens are opaque: the calendar service cannot read them and asks the
  //     authorization server (RFC 7662 introspection), then caches the answer.
  section('batch-jobs gets an opaque token: scope "event.read" (the calendar service introspects it)');
  const batch = source("batch-jobs", secrets.batchJobs ?? "batch-jobs-demo-secret", ["event.read"]);
  const { token: opaque } = await batch.getToken();
  const seconds = Math.round((opaque.expiresAt.getTime() - Date.now()) / 1000);
  check(
    "opaque token obtained",
    !opaque.reveal().includes("."),
    `scope "${opaque.scopes.join(" ")}", expires in ${seconds} s, ${opaque.reveal().length} characters, not a JWT`,
  );
  const introspected = await callCalendar(calendarUrl, { method: "GET", path: "/events", token: opaque });
  expectStatus("GET    /events with the opaque token", introspected, 200, {
    detail: "the calendar service introspected it at the authorization server",
  });

  // 4. No token at all.
  section("no token");
  const anonymous = await callCalendar(calendarUrl, { method: "GET", path: "/events", token: null });
  expectStatus("GET    /events", anonymous, 401, {
    detail: `WWW-Authenticate: ${anonymous.challenge ?? "(none)"}`,
    // With DPoP on, a DPoP challenge follows the Bearer one (RFC 9449 §7.1).
    challenge:
      /^Bearer realm="[^"]*", resource_metadata="[^"]+"(, DPoP realm="[^"]*", resource_metadata="[^"]+", algs="[^"]+")?$/,
  });

  // 5. An expired token, honestly obtained: the authorization server gives the short-lived client
  //    one-second tokens; the calendar service allows its clock tolerance on top.
  section("an expired token (client short-lived: the authorization server gives it 1-second tokens)");
  const shortLived = source("short-lived", secrets.shortLived ?? "short-lived-demo-secret", ["event.read"]);
  const { token: brief } = await shortLived.getToken();
  const fresh = await callCalendar(calendarUrl, { method: "GET", path: "/events", token: brief });
  expectStatus("GET    /events while it is fresh", fresh, 200);
  const waitMs = brief.expiresAt.getTime() + (tolerance + 1) * 1000 - Date.now();
  log(
    `    … waiting ${Math.ceil(waitMs / 1000)} s: its lifetime plus the calendar service's ${tolerance} s clock tolerance`,
  );
  await sleep(Math.max(0, waitMs));
  const expired = await callCalendar(calendarUrl, { method: "GET", path: "/events", token: brief });
  expectStatus("GET    /events once it has expired", expired, 401, {
    detail: `error_description: ${JSON.stringify(errorDescription(expired.body) ?? null)}`,
    challenge: /error="invalid_token"/,
  });

  // 6. The authorization server rotates its signing key.
  const { kid, previousKid } = await options.rotateKeys();
  section(
    `key rotation: the authorization server now signs with ${short(kid)} (${short(previousKid)} stays published)`,
  );
  const before = await calendar.listEvents();
  expectStatus("GET    /events with the cached token (old key)", before, 200);
  full.invalidate();
  const { token: rotated } = await full.getToken();
  check("new token obtained", signingKeyOf(rotated) === kid, describe(rotated));
  const after = await calendar.listEvents();
  expectStatus("GET    /events with the new token", after, 200, {
    detail: "the calendar service did not know that key: it fetched the JWKS again",
  });

  // 7. Sender-constrained tokens: DPoP (RFC 9449), then certificate-bound tokens (RFC 8705).
  const tools = { check, expectStatus, section, short };
  if (discovered.dpopAlgorithms.length > 0) {
    await dpopSteps(
      {
        issuer: options.issuer,
        calendarUrl,
        resource,
        secret: secrets.taskServiceDpop ?? "task-service-dpop-demo-secret",
      },
      tools,
    );
  } else {
    section(
      "DPoP: the calendar service's metadata names no dpop_signing_alg_values_supported (DPOP=disabled?): skipped",
    );
  }
  if (options.mutualTls) {
    await mutualTlsSteps(
      {
        issuer: options.issuer,
        resource,
        secret: secrets.taskServiceMtls ?? "task-service-mtls-demo-secret",
        mutualTls: options.mutualTls,
      },
      tools,
    );
  }

  return { ok: steps.every((s) => s.ok), steps };
}
