import { checkCount, checkFunction, checkMs, invalidOption } from "../base/option-checks.js";
import { optionKeys, refuseUnknownKeys } from "../base/option-keys.js";
import type {
  JwksFetchFailedEvent,
  JwksFetchSucceededEvent,
  StaleKeysServedEvent,
} from "../events/scopegate-event.js";
import { type FetchLike, globalFetch } from "./fetch-json.js";
import { checkRedirectOrigins } from "./fetch-url.js";
import { createMemoryJwksStore, type JwksStore } from "./jwks-store.js";

export type { JwksFetchReason } from "../events/scopegate-event.js";

/**
 * What the cache's `onEvent` option receives: the key fetch outcomes and stale serving.
 * @deprecated Use `ScopegateEvent` (the verifier's `onEvent`, or `cache.subscribe()`), which
 * has these and the cache's other events (`refresh_failed`, `unknown_kid`).
 */
export type JwksCacheEvent = JwksFetchSucceededEvent | JwksFetchFailedEvent | StaleKeysServedEvent;

export interface JwksCacheOptions {
  /** Performs the HTTP requests: plug a proxy agent or a test double here. Default: the global `fetch`. */
  fetch?: FetchLike;
  /** Current time in milliseconds since the epoch; drives every age and cooldown. Default: `Date.now`. */
  clock?: () => number;
  /** Keys younger than this are used without asking the server. Default: `600_000` (10 minutes). */
  cacheMaxAgeMs?: number;
  /**
   * Least time between two refetches caused by tokens with an unknown `kid`, per JWKS. Inside it such
   * tokens are rejected (401) without a request. Default: `30_000` (30 seconds).
   */
  cooldownMs?: number;
  /**
   * Oldest keys ever used when refreshing fails (stale-if-error), counted from their last successful
   * fetch. Past it, requests get 503 until a fetch succeeds. At least `cacheMaxAgeMs`.
   * Default: `86_400_000` (24 hours), or `cacheMaxAgeMs` when that is longer.
   */
  maxStaleMs?: number;
  /**
   * After a failed fetch, no new attempt on that JWKS for this long, whatever the request rate
   * (requests meanwhile use cached keys, or get 503 with a matching `Retry-After`). Default: `5_000`.
   */
  failureBackoffMs?: number;
  /** Budget for one fetch: connection, redirects and body. Default: `5_000`. */
  timeoutMs?: number;
  /** Largest JWKS body, in bytes, enforced while it streams in. Default: `524_288` (512 KiB). */
  maxResponseBytes?: number;
  /**
   * Redirects followed, each only within the JWKS URL's origin or to one of `redirectOrigins`, and
   * never from `https:` to `http:`. Default: `3`.
   */
  maxRedirects?: number;
  /**
   * Origins (`"https://keys.example.com"`, with a port if not 443) a JWKS request may be redirected
   * to besides the JWKS URL's own. Keys are trusted for where they come from: list only origins
   * your authorization server controls. `https:` is never redirected to `http:`, whatever is listed;
   * loopback `http:` origins help only when the JWKS URL itself is loopback `http:`.
   * Default: `[]` (same origin only).
   */
  redirectOrigins?: readonly string[];
  /** Most keys kept from one JWKS; later entries are skipped. Default: `100`. */
  maxKeys?: number;
  /** Most JWKS URIs tracked at once (least recently used dropped first). Default: `100`. */
  maxJwksUris?: number;
  /** Where key sets are kept. Default: `createMemoryJwksStore({ maxEntries: maxJwksUris })`. */
  store?: JwksStore;
  /**
   * Receives fetch successes and failures and stale serving, e.g. for logs and metrics. Called
   * synchronously; what it throws or rejects is ignored. Default: none.
   * @deprecated Subscribe to every cache event with `cache.subscribe(listener)`, or give the
   * verifier an `onEvent` listener; this option keeps receiving the three types it always did.
   */
  onEvent?: (event: JwksCacheEvent) => void;
}

/** Every key of {@link JwksCacheOptions}; others are refused. Add a new option here. */
export const JWKS_CACHE_OPTION_KEYS = optionKeys<JwksCacheOptions>()([
  "fetch",
  "clock",
  "cacheMaxAgeMs",
  "cooldownMs",
  "maxStaleMs",
  "failureBackoffMs",
  "timeoutMs",
  "maxResponseBytes",
  "maxRedirects",
  "redirectOrigins",
  "maxKeys",
  "maxJwksUris",
  "store",
  "onEvent",
]);

export interface ResolvedJwksCacheOptions {
  fetch: FetchLike;
  clock: () => number;
  cacheMaxAgeMs: number;
  cooldownMs: number;
  maxStaleMs: number;
  failureBackoffMs: number;
  timeoutMs: number;
  maxResponseBytes: number;
  maxRedirects: number;
  redirectOrigins: readonly string[];
  maxKeys: number;
  maxJwksUris: number;
  store: JwksStore;
  onEvent: ((event: JwksCacheEvent) => void) | undefined;
}

/** Validates JWKS cache options and applies defaults. Throws a `TypeError` naming the option. */
export function resolveJwksCacheOptions(options: JwksCacheOptions): ResolvedJwksCacheOptions {
  if (typeof options !== "object" || options === null) invalidOption("jwks", "pass an options object.");
  refuseUnknownKeys(options, JWKS_CACHE_OPTION_KEYS, "createJwksCache()");
  const cacheMaxAgeMs = checkMs("cacheMaxAgeMs", options.cacheMaxAgeMs, 600_000, 1);
  const maxStaleMs = checkMs("maxStaleMs", options.maxStaleMs, Math.max(86_400_000, cacheMaxAgeMs), 1);
  if (maxStaleMs < cacheMaxAgeMs) invalidOption("maxStaleMs", "must be at least `cacheMaxAgeMs`.");
  const maxJwksUris = checkCount("maxJwksUris", options.maxJwksUris, 100, 1);
  const store = options.store ?? createMemoryJwksStore({ maxEntries: maxJwksUris });
  if (
    typeof store !== "object" ||
    store === null ||
    typeof store.get !== "function" ||
    typeof store.set !== "function" ||
    typeof store.delete !== "function" ||
    !(store.sharedFetch === undefined || typeof store.sharedFetch === "function")
  ) {
    invalidOption(
      "store",
      "expected an object with get, set and delete methods (and sharedFetch, if any, a function).",
    );
  }
  return {
    fetch: checkFunction("fetch", options.fetch) ?? globalFetch,
    clock: checkFunction("clock", options.clock) ?? Date.now,
    cacheMaxAgeMs,
    cooldownMs: checkMs("cooldownMs", options.cooldownMs, 30_000),
    maxStaleMs,
    failureBackoffMs: checkMs("failureBackoffMs", options.failureBackoffMs, 5_000),
    timeoutMs: checkMs("timeoutMs", options.timeoutMs, 5_000, 1),
    maxResponseBytes: checkCount("maxResponseBytes", options.maxResponseBytes, 524_288, 1),
    maxRedirects: checkCount("maxRedirects", options.maxRedirects, 3, 0),
    redirectOrigins: checkRedirectOrigins("redirectOrigins", options.redirectOrigins),
    maxKeys: checkCount("maxKeys", options.maxKeys, 100, 1),
    maxJwksUris,
    store,
    onEvent: checkFunction("onEvent", options.onEvent),
  };
}
