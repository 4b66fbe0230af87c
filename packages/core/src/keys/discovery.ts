import { LRUCache } from "lru-cache";
import { checkCount, checkFunction, checkMs, invalidOption } from "../base/option-checks.js";
import { optionKeys, refuseUnknownKeys } from "../base/option-keys.js";
import { createEventHub } from "../events/event-hub.js";
import type {
  DiscoveryFailedEvent,
  DiscoverySucceededEvent,
  ScopegateEventListener,
} from "../events/scopegate-event.js";
import { InvalidTokenError, isBearerError } from "../http/errors.js";
import { JwksUnavailableError } from "../http/unavailable-errors.js";
import { type FetchLike, fetchJson, globalFetch, RemoteFetchError } from "./fetch-json.js";
import { checkRedirectOrigins, isAcceptableFetchUrl } from "./fetch-url.js";
import { createRefetchLimiter, type RefetchLimiter } from "./refetch-limiter.js";

/**
 * What discovery's `onEvent` option receives.
 * @deprecated Use `ScopegateEvent` (the verifier's `onEvent`, or `discovery.subscribe()`).
 */
export type DiscoveryEvent = DiscoverySucceededEvent | DiscoveryFailedEvent;

export interface DiscoveryOptions {
  /** Performs the HTTP requests: plug a proxy agent or a test double here. Default: the global `fetch`. */
  fetch?: FetchLike;
  /** Budget for one metadata request: connection, redirects and body. Default: `5_000`. */
  timeoutMs?: number;
  /** Current time in milliseconds since the epoch. Default: `Date.now`. */
  clock?: () => number;
  /**
   * Discovered metadata is refetched in the background once older than this; the known `jwks_uri`
   * keeps being used meanwhile, and if the refetch fails. Default: `3_600_000` (1 hour).
   */
  cacheMaxAgeMs?: number;
  /** After a failed discovery, no new attempt for that issuer for this long. Default: `5_000`. */
  failureBackoffMs?: number;
  /** Largest metadata body, in bytes, enforced while it streams in. Default: `524_288` (512 KiB). */
  maxResponseBytes?: number;
  /**
   * Redirects followed, each only within the metadata URL's origin (the issuer's) or to one of
   * `redirectOrigins`, and never from `https:` to `http:`. Default: `3`.
   */
  maxRedirects?: number;
  /**
   * Origins (`"https://login.example.com"`, with a port if not 443) a metadata request may be
   * redirected to besides the issuer's own; `https:` is never redirected to `http:`. (The
   * `jwks_uri` the metadata names may be on any `https:` origin; its requests follow the JWKS
   * cache's `redirectOrigins`.) Default: `[]` (same origin only).
   */
  redirectOrigins?: readonly string[];
  /**
   * The only issuers discovery may fetch metadata for; any other is refused (`ERR_TOKEN_ISSUER`)
   * without a request. Default: `null` (the caller has already checked the issuer).
   */
  issuers?: readonly string[] | null;
  /**
   * Receives discovery successes and failures. What it throws or rejects is ignored. Default: none.
   * @deprecated Use `discovery.subscribe(listener)` or the verifier's `onEvent` (same events).
   */
  onEvent?: (event: DiscoveryEvent) => void;
}

/** Every key of {@link DiscoveryOptions}; others are refused. Add a new option here. */
export const DISCOVERY_OPTION_KEYS = optionKeys<DiscoveryOptions>()([
  "fetch",
  "timeoutMs",
  "clock",
  "cacheMaxAgeMs",
  "failureBackoffMs",
  "maxResponseBytes",
  "maxRedirects",
  "redirectOrigins",
  "issuers",
  "onEvent",
]);

export interface Discovery {
  /**
   * The `jwks_uri` of `issuer`'s metadata. Throws `JwksUnavailableError` when it cannot be had, and
   * `InvalidTokenError` (`ERR_TOKEN_ISSUER`) for an issuer outside the `issuers` option.
   */
  jwksUri(issuer: string): Promise<string>;
  /**
   * The `introspection_endpoint` of `issuer`'s metadata (RFC 8414 §2), `undefined` when the metadata
   * names none or not a usable URL. Throws as `jwksUri` does when the metadata cannot be had.
   * Optional: a discovery without it cannot find introspection endpoints.
   */
  introspectionEndpoint?(issuer: string): Promise<string | undefined>;
  /** Adds a listener for discovery's events; returns the function that removes it. Optional. */
  subscribe?(listener: ScopegateEventListener): () => void;
}

interface IssuerState {
  readonly limiter: RefetchLimiter;
  jwksUri: string | undefined;
  introspectionEndpoint: string | undefined;
  fetchedAt: number;
  inFlight: Promise<void> | undefined;
  lastError: RemoteFetchError | undefined;
}

/** Issuers tracked at once when no `issuers` list bounds them. */
const MAX_ISSUERS = 100;

/**
 * Finds an issuer's `jwks_uri`: RFC 8414 metadata (`/.well-known/oauth-authorization-server`,
 * inserted before the issuer's path), then OpenID Connect (`{issuer}/.well-known/openid-configuration`).
 * Metadata whose `issuer` is not exactly the configured one is never used (mix-up defence). Results
 * are cached; one request per issuer at a time; failures are retried no sooner than `failureBackoffMs`.
 */
export function createDiscovery(options: DiscoveryOptions = {}): Discovery {
  if (typeof options !== "object" || options === null) invalidOption("discovery", "pass an options object.");
  refuseUnknownKeys(options, DISCOVERY_OPTION_KEYS, "createDiscovery()");
  const doFetch = checkFunction("fetch", options.fetch) ?? globalFetch;
  const clock = checkFunction("clock", options.clock) ?? Date.now;
  const timeoutMs = checkMs("timeoutMs", options.timeoutMs, 5_000, 1);
  const cacheMaxAgeMs = checkMs("cacheMaxAgeMs", options.cacheMaxAgeMs, 3_600_000, 1);
  const failureBackoffMs = checkMs("failureBackoffMs", options.failureBackoffMs, 5_000);
  const maxResponseBytes = checkCount("maxResponseBytes", options.maxResponseBytes, 524_288, 1);
  const maxRedirects = checkCount("maxRedirects", options.maxRedirects, 3, 0);
  const redirectOrigins = checkRedirectOrigins("redirectOrigins", options.redirectOrigins);
  const onEvent = checkFunction("onEvent", options.onEvent);
  let allowed: ReadonlySet<string> | null = null;
  if (options.issuers !== undefined && options.issuers !== null) {
    if (!Array.isArray(options.issuers) || options.issuers.some((i) => typeof i !== "string")) {
      invalidOption("issuers", "expected an array of issuer identifiers, or null.");
    }
    allowed = new Set(options.issuers);
  }
  const states = new LRUCache<string, IssuerState>({ max: Math.max(MAX_ISSUERS, allowed?.size ?? 0) });
  const hub = createEventHub(onEvent as ScopegateEventListener | undefined);

  function load(issuer: string, state: IssuerState): Promise<void> {
    if (state.inFlight !== undefined) return state.inFlight;
    if (state.limiter.backoffRemainingMs(clock()) > 0) return Promise.resolve();
    const run = discover(issuer, state).then((event) => {
      if (state.inFlight === run) state.inFlight = undefined;
      hub.emit?.(event);
    });
    state.inFlight = run;
    return run;
  }

  /** Tries each metadata location in turn; records the outcome. Never rejects. */
  async function discover(issuer: string, state: IssuerState): Promise<DiscoveryEvent> {
    const started = performance.now();
    let firstError: RemoteFetchError | undefined;
    for (const metadataUrl of metadataUrls(issuer)) {
      try {
        const { body } = await fetchJson(metadataUrl, {
          fetch: doFetch,
          timeoutMs,
          maxResponseBytes,
          maxRedirects,
          redirectOrigins,
          accept: "application/json",
        });
        const jwksUri = readMetadata(body, issuer, metadataUrl);
        state.jwksUri = jwksUri;
        state.introspectionEndpoint = usableUrl(body.introspection_endpoint, issuer)?.href;
        state.fetchedAt = clock();
        state.lastError = undefined;
        state.limiter.recordSuccess();
        return {
          type: "discovery_succeeded",
          issuer,
          metadataUrl,
          jwksUri,
          durationMs: performance.now() - started,
        };
      } catch (cause) {
        const error =
          cause instanceof RemoteFetchError
            ? cause
            : new RemoteFetchError("ERR_FETCH_NETWORK", metadataUrl, { cause });
        // Keep the most telling failure: a 404 from the first location only says "try the next one".
        if (firstError === undefined || (firstError.status === 404 && error.status !== 404))
          firstError = error;
      }
    }
    const error = firstError ?? new RemoteFetchError("ERR_METADATA_INVALID", issuer);
    state.lastError = error;
    state.limiter.recordFailure(clock());
    return {
      type: "discovery_failed",
      issuer,
      error,
      servingCachedMetadata: state.jwksUri !== undefined,
      durationMs: performance.now() - started,
    };
  }

  /** The state of `issuer` once its metadata is known (cached, or loaded now). */
  async function discovered(issuer: string): Promise<IssuerState & { jwksUri: string }> {
    if (typeof issuer !== "string" || (allowed !== null && !allowed.has(issuer))) {
      throw new InvalidTokenError("ERR_TOKEN_ISSUER");
    }
    let state = states.get(issuer);
    if (state === undefined) {
      state = {
        limiter: createRefetchLimiter({ cooldownMs: 0, failureBackoffMs }),
        jwksUri: undefined,
        introspectionEndpoint: undefined,
        fetchedAt: 0,
        inFlight: undefined,
        lastError: undefined,
      };
      states.set(issuer, state);
    }
    if (state.jwksUri !== undefined) {
      if (clock() - state.fetchedAt >= cacheMaxAgeMs && state.inFlight === undefined)
        void load(issuer, state);
      return state as IssuerState & { jwksUri: string };
    }
    await load(issuer, state);
    if (state.jwksUri !== undefined) return state as IssuerState & { jwksUri: string };
    const waitMs = state.limiter.backoffRemainingMs(clock());
    throw new JwksUnavailableError({ cause: state.lastError, retryAfterSec: Math.max(1, waitMs / 1000) });
  }

  async function safely<T>(
    issuer: string,
    read: (state: IssuerState & { jwksUri: string }) => T,
  ): Promise<T> {
    try {
      return read(await discovered(issuer));
    } catch (error) {
      throw isBearerError(error) ? error : new JwksUnavailableError({ cause: error });
    }
  }

  return {
    subscribe: (listener) => hub.subscribe(listener),
    jwksUri: (issuer) => safely(issuer, (state) => state.jwksUri),
    introspectionEndpoint: (issuer) => safely(issuer, (state) => state.introspectionEndpoint),
  };
}

/**
 * Where `issuer`'s metadata may be, in order: RFC 8414 §3.1 (well-known segment inserted between the
 * host and the issuer's path, terminating "/" removed), then OpenID Connect Discovery §4 (appended).
 */
export function metadataUrls(issuer: string): string[] {
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    return [];
  }
  if (url.search || url.hash || url.username || url.password) return [];
  const path = url.pathname.replace(/\/+$/, "");
  return [
    `${url.origin}/.well-known/oauth-authorization-server${path}`,
    `${url.origin}${path}/.well-known/openid-configuration`,
  ];
}

/** Checks metadata: exactly our issuer (mix-up defence), and a usable `jwks_uri`. Returns the latter. */
function readMetadata(body: Readonly<Record<string, unknown>>, issuer: string, metadataUrl: string): string {
  if (body.issuer !== issuer) throw new RemoteFetchError("ERR_METADATA_ISSUER_MISMATCH", metadataUrl);
  const url = usableUrl(body.jwks_uri, issuer);
  if (url === undefined) throw new RemoteFetchError("ERR_METADATA_INVALID", metadataUrl);
  return url.href;
}

/**
 * A metadata URL we may call: absolute, `https:` (or loopback `http:`, only for a loopback `http:`
 * issuer: never down from `https:`), no credentials, no fragment. Any origin: the metadata names it.
 */
function usableUrl(raw: unknown, issuer: string): URL | undefined {
  let url: URL | undefined;
  try {
    url = typeof raw === "string" ? new URL(raw) : undefined;
  } catch {
    url = undefined;
  }
  if (url === undefined || !isAcceptableFetchUrl(url) || url.username || url.password || url.hash) {
    return undefined;
  }
  if (url.protocol !== "https:" && issuer.startsWith("https:")) return undefined;
  return url;
}
