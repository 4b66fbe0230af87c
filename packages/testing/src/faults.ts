import { STATUS_CODES } from "node:http";
import type { AuthorityEndpoint } from "./metadata.js";
import { optionKeys, refuseUnknownKeys } from "./option-keys.js";

/**
 * How the simulated authorization server behaves:
 * - `"ok"`: serves discovery and the JWKS normally.
 * - `"down"`: no HTTP answer at all. Over HTTP the connection is reset as soon as it is accepted;
 *   the in-memory `fetch` rejects with `TypeError: fetch failed` (cause `ECONNREFUSED`).
 * - `"slow"`: answers normally after `delayMs` (pick it beyond the verifier's timeout).
 * - `"garbage"`: 200 with a body no verifier can use (see {@link GarbageKind}).
 * - `"error500"`: an HTTP error status (`status`, 500 by default) with a plain-text body.
 */
export type SimulatedMode = "ok" | "down" | "slow" | "garbage" | "error500";

/**
 * The garbage served in `"garbage"` mode:
 * - `"html"`: an HTML error page (a proxy or captive portal), `text/html`.
 * - `"truncated"`: the first half of the real JSON document, `application/json`.
 * - `"no-keys"`: valid JSON without `keys` (discovery without `jwks_uri`, introspection `{}`).
 * - `"empty-keys"`: `{"keys":[]}` (and discovery without `jwks_uri`).
 */
export type GarbageKind = "html" | "truncated" | "no-keys" | "empty-keys";

export interface SimulateOptions {
  /** Which endpoints misbehave. Default: `"all"` (discovery, the JWKS and introspection). */
  endpoints?: "all" | AuthorityEndpoint;
  /** `"slow"`: how long each answer is held back, in milliseconds. Default: `30000`. */
  delayMs?: number;
  /** `"garbage"`: what is served. Default: `"html"`. */
  garbage?: GarbageKind;
  /** `"garbage"`: a body of your own instead (served as `contentType`). Default: none. */
  body?: string;
  /** `"garbage"` with `body`: its content type. Default: `"text/plain"`. */
  contentType?: string;
  /** `"error500"`: the status to answer with (any 4xx or 5xx). Default: `500`. */
  status?: number;
  /** Number of requests (or, for `"down"` over HTTP, connections) to affect before going back to `"ok"`. Default: `Infinity`. */
  times?: number;
}

/** A normal answer, before any fault is applied. */
export interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** What a transport must do with one request. */
export type Outcome = { kind: "reset" } | ({ kind: "respond"; delayMs: number } & Answer);

const HTML_PAGE =
  "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1><p>The upstream server is not responding.</p></body></html>";

const fail = (option: string, fix: string): never => {
  throw new TypeError(`@scopegate/testing: invalid option \`${option}\`: ${fix}`);
};

const SIMULATE_OPTION_KEYS = optionKeys<SimulateOptions>()([
  "endpoints",
  "delayMs",
  "garbage",
  "body",
  "contentType",
  "status",
  "times",
]);

function validate(mode: SimulatedMode, options: SimulateOptions): Required<Pick<SimulateOptions, "times">> {
  refuseUnknownKeys(options, SIMULATE_OPTION_KEYS, "simulate()");
  if (!["ok", "down", "slow", "garbage", "error500"].includes(mode)) {
    fail("mode", `expected "ok", "down", "slow", "garbage" or "error500"; got ${JSON.stringify(mode)}.`);
  }
  const { endpoints, delayMs, garbage, status, times } = options;
  if (endpoints !== undefined && !["all", "jwks", "discovery", "introspection"].includes(endpoints))
    fail("endpoints", 'expected "all", "jwks", "discovery" or "introspection".');
  if (delayMs !== undefined && !(Number.isFinite(delayMs) && delayMs >= 0))
    fail("delayMs", "expected a finite number >= 0.");
  if (garbage !== undefined && !["html", "truncated", "no-keys", "empty-keys"].includes(garbage))
    fail("garbage", 'expected "html", "truncated", "no-keys" or "empty-keys".');
  if (status !== undefined && !(Number.isInteger(status) && status >= 400 && status <= 599))
    fail("status", "expected an HTTP error status (400-599).");
  if (times !== undefined && !(times === Number.POSITIVE_INFINITY || (Number.isInteger(times) && times > 0)))
    fail("times", "expected a positive integer or Infinity.");
  return { times: times ?? Number.POSITIVE_INFINITY };
}

/** The current simulation, shared by the in-memory fetch and the HTTP server. */
export class FaultState {
  #mode: SimulatedMode = "ok";
  #options: SimulateOptions = {};
  #remaining = Number.POSITIVE_INFINITY;

  get mode(): SimulatedMode {
    return this.#mode;
  }

  set(mode: SimulatedMode, options: SimulateOptions = {}): void {
    const { times } = validate(mode, options);
    this.#mode = mode;
    this.#options = { ...options };
    this.#remaining = times;
  }

  /** True when `"down"` hits every endpoint, so connections can be reset before any request is read. */
  takesConnectionsDown(): boolean {
    return this.#mode === "down" && (this.#options.endpoints ?? "all") === "all";
  }

  /** Counts one affected connection (HTTP `"down"` on all endpoints). */
  consumeConnection(): boolean {
    if (!this.takesConnectionsDown()) return false;
    this.#spend();
    return true;
  }

  /** The outcome of one request to `endpoint` whose normal answer is `answer`. */
  apply(endpoint: AuthorityEndpoint, answer: Answer): Outcome {
    const mode = this.#mode;
    const options = this.#options;
    const target = options.endpoints ?? "all";
    if (mode === "ok" || (target !== "all" && target !== endpoint))
      return { kind: "respond", delayMs: 0, ...answer };
    this.#spend();
    switch (mode) {
      case "down":
        return { kind: "reset" };
      case "slow":
        return { kind: "respond", delayMs: options.delayMs ?? 30_000, ...answer };
      case "error500": {
        const status = options.status ?? 500;
        return {
          kind: "respond",
          delayMs: 0,
          status,
          headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" },
          body: STATUS_CODES[status] ?? "Error",
        };
      }
      case "garbage":
        return { kind: "respond", delayMs: 0, status: 200, ...garbageFor(endpoint, answer, options) };
    }
  }

  #spend(): void {
    this.#remaining -= 1;
    if (this.#remaining <= 0) this.set("ok");
  }
}

function garbageFor(
  endpoint: AuthorityEndpoint,
  answer: Answer,
  options: SimulateOptions,
): { headers: Record<string, string>; body: string } {
  const json = { "content-type": "application/json" };
  if (options.body !== undefined) {
    return { headers: { "content-type": options.contentType ?? "text/plain" }, body: options.body };
  }
  switch (options.garbage ?? "html") {
    case "html":
      return { headers: { "content-type": "text/html; charset=utf-8" }, body: HTML_PAGE };
    case "truncated":
      return { headers: json, body: answer.body.slice(0, Math.floor(answer.body.length / 2)) };
    case "no-keys":
    case "empty-keys": {
      // An introspection answer without `active`.
      if (endpoint === "introspection") return { headers: json, body: "{}" };
      if (endpoint === "discovery") {
        const { jwks_uri: _dropped, ...rest } = JSON.parse(answer.body) as Record<string, unknown>;
        return { headers: json, body: JSON.stringify(rest) };
      }
      return { headers: json, body: options.garbage === "no-keys" ? '{"error":"no keys"}' : '{"keys":[]}' };
    }
  }
}
