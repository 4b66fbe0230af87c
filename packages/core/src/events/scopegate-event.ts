import type { RemoteFetchError } from "../base/remote-fetch-error.js";

/**
 * How a verified token was presented: a plain bearer token, a DPoP-bound token with its proof
 * (RFC 9449), or a certificate-bound token over mutual TLS (RFC 8705).
 */
export type TokenBinding = "bearer" | "dpop" | "mtls";

/** What made the JWKS cache fetch a key set. */
export type JwksFetchReason =
  /** A request found no usable keys cached (first use, or keys older than `maxStaleMs`). */
  | "initial"
  /** `warm()` (and the readiness check for keys that are missing). */
  | "warm"
  /** Cached keys were older than `cacheMaxAgeMs` (stale-while-revalidate, in the background). */
  | "refresh"
  /** A token named a key id that is not cached (limited by `cooldownMs`). */
  | "unknown_kid";

/** A token passed every check (`verify()`, `authenticate()`). */
export interface TokenVerifiedEvent {
  type: "token_verified";
  /** The token's `iss`: always one of the configured issuers. */
  issuer: string;
  /** The calling client (the first of `clientIdClaims` present), if any. */
  clientId: string | undefined;
  /** The scopes the token grants. */
  scopes: readonly string[];
  binding: TokenBinding;
  /** True when the verified-token cache answered (no decoding, no signature check). */
  cached: boolean;
  /** Time spent in scopegate for this verification, in milliseconds (fractional). */
  durationMs: number;
}

/**
 * A request was refused: by `verify()`/`authenticate()` (any 400, 401 or 503) or by
 * `requireScopes()` (403). Carries the stable code and status, never anything taken from the token.
 */
export interface TokenRefusedEvent {
  type: "token_refused";
  /** The stable error code, e.g. `ERR_TOKEN_EXPIRED`, `ERR_INSUFFICIENT_SCOPE`, `ERR_JWKS_UNAVAILABLE`. */
  code: string;
  /** The HTTP status the refusal answers with: 400, 401, 403 or 503. */
  status: number;
  /** The RFC 6750 error (`invalid_token`, …); `undefined` for a request without credentials. */
  error: string | undefined;
  /**
   * The issuer of a token that verified but lacks a scope (`requireScopes()`); `undefined` for a
   * token that failed verification (its claims cannot be trusted).
   */
  issuer: string | undefined;
  /** The client of a token that verified but lacks a scope; `undefined` otherwise. */
  clientId: string | undefined;
  /** Time spent in scopegate before refusing, in milliseconds; `undefined` for a scope refusal. */
  durationMs: number | undefined;
}

/** A JWKS fetch stored a new key set. */
export interface JwksFetchSucceededEvent {
  type: "fetch_succeeded";
  jwksUri: string;
  reason: JwksFetchReason;
  /** Usable keys now cached. */
  keyCount: number;
  /** Entries skipped (malformed, private, `use: "enc"`, unknown `kty`, past `maxKeys`). */
  skippedCount: number;
  /** Key ids that were not in the previous set. */
  addedKeyIds: string[];
  /** Key ids of the previous set that are gone (tokens signed with them now fail). */
  removedKeyIds: string[];
  /** How long the fetch took, in milliseconds, connection to parsed body. */
  durationMs: number;
}

/** A JWKS fetch failed. */
export interface JwksFetchFailedEvent {
  type: "fetch_failed";
  jwksUri: string;
  reason: JwksFetchReason;
  error: RemoteFetchError;
  /** True when cached keys keep serving (stale-if-error); false means requests now get 503. */
  servingCachedKeys: boolean;
  /** Milliseconds before the next attempt may start (`failureBackoffMs`). */
  retryInMs: number;
  /** How long the failed attempt took, in milliseconds. */
  durationMs: number;
}

/** Keys older than `cacheMaxAgeMs` were served because refreshing them failed. Once per failed fetch. */
export interface StaleKeysServedEvent {
  type: "stale_served";
  jwksUri: string;
  /** Age of the keys served, in milliseconds. */
  ageMs: number;
}

/**
 * A fetch failed while a key set was cached: the keys are ageing (follows the `fetch_failed` event).
 * The alarm to watch: after `maxStaleMs` they can no longer be used and requests get 503.
 */
export interface JwksRefreshFailedEvent {
  type: "refresh_failed";
  jwksUri: string;
  reason: JwksFetchReason;
  error: RemoteFetchError;
  /** Age of the cached keys, in milliseconds, counted from their last successful fetch. */
  ageMs: number;
  /** True while the cached keys are younger than `maxStaleMs` and keep serving. */
  servingCachedKeys: boolean;
}

/**
 * A token named a key id the cached key set does not hold. The key id itself is token text and is
 * not reported.
 */
export interface UnknownKidEvent {
  type: "unknown_kid";
  jwksUri: string;
  /**
   * What the cache did: `"refetch"` (started a fetch), `"join"` (waited for a fetch under way) or
   * `"cooldown"` (refused without a fetch: one happened less than `cooldownMs` ago).
   */
  action: "refetch" | "join" | "cooldown";
}

/** Discovery found an issuer's `jwks_uri`. */
export interface DiscoverySucceededEvent {
  type: "discovery_succeeded";
  issuer: string;
  metadataUrl: string;
  jwksUri: string;
  /** How long discovery took, in milliseconds (every metadata location tried). */
  durationMs: number;
}

/** Discovery failed for an issuer. */
export interface DiscoveryFailedEvent {
  type: "discovery_failed";
  issuer: string;
  error: RemoteFetchError;
  /** True when a previously discovered `jwks_uri` keeps being used. */
  servingCachedMetadata: boolean;
  /** How long the failed attempt took, in milliseconds. */
  durationMs: number;
}

/**
 * A proof of possession was used a second time (a DPoP proof whose `jti` was already seen): a
 * replayed request, refused. Nothing from the proof or the token is reported.
 */
export interface ReplayDetectedEvent {
  type: "replay_detected";
  binding: Exclude<TokenBinding, "bearer">;
  /** The issuer of the access token the replayed proof came with, when that token verified. */
  issuer: string | undefined;
}

/**
 * An introspection request (RFC 7662) got a usable answer: the token is `active` or not. Nothing from
 * the token, its hash, or the answer's claims is reported.
 */
export interface IntrospectionSucceededEvent {
  type: "introspection_succeeded";
  /** The endpoint asked (configuration or metadata). */
  endpoint: string;
  /** The authorization server that answered (the introspection `issuer`). */
  issuer: string;
  /** The answer's `active`. */
  active: boolean;
  /** How long the request took, in milliseconds, connection to checked answer. */
  durationMs: number;
}

/** An introspection gave no usable answer: the request is refused with 503 (and a backoff starts). */
export interface IntrospectionFailedEvent {
  type: "introspection_failed";
  /** The endpoint asked; `undefined` when none could be found (discovery failed). */
  endpoint: string | undefined;
  issuer: string;
  /** Why: a stable code (`ERR_INTROSPECTION_TIMEOUT`, `ERR_INTROSPECTION_STATUS`, …). */
  code: string;
  /** The endpoint's HTTP status, for `ERR_INTROSPECTION_STATUS` and `ERR_INTROSPECTION_CLIENT_AUTH`. */
  status: number | undefined;
  /** How long the failed attempt took, in milliseconds. */
  durationMs: number;
}

/**
 * A token checked by introspection was answered without a request of its own: from the answer cache,
 * or by sharing a request already under way for the same token.
 */
export interface IntrospectionCacheHitEvent {
  type: "introspection_cache_hit";
  issuer: string;
  /** The cached answer's `active` (an inactive answer is kept `inactiveMaxAgeSec`). */
  active: boolean;
}

/**
 * Everything scopegate reports: what the verifier decided, and what its JWKS cache, discovery,
 * introspection and proof-of-possession checks did. Events carry configuration (issuers, URLs), counts, durations, codes, and for verified
 * tokens their issuer, client id and scopes; never the token or anything else taken from it.
 */
export type ScopegateEvent =
  | TokenVerifiedEvent
  | TokenRefusedEvent
  | JwksFetchSucceededEvent
  | JwksFetchFailedEvent
  | StaleKeysServedEvent
  | JwksRefreshFailedEvent
  | UnknownKidEvent
  | DiscoverySucceededEvent
  | DiscoveryFailedEvent
  | ReplayDetectedEvent
  | IntrospectionSucceededEvent
  | IntrospectionFailedEvent
  | IntrospectionCacheHitEvent;

/** Every event `type`. */
export type ScopegateEventType = ScopegateEvent["type"];

/**
 * Receives events. Called synchronously where the event happens; what it throws, or a promise it
 * returns rejects with, is ignored. Keep it cheap: it runs on the request path.
 */
export interface ScopegateEventListener {
  (event: ScopegateEvent): void;
  /**
   * Optional: whether the listener records anything right now (an OpenTelemetry bridge with no SDK
   * registered does not). While every listener of a verifier has it and all answer `false`, the
   * verifier builds and times no `token_verified` or `token_refused` event: a listener that records
   * nothing then costs nothing. Asked once per verification: keep it to a field read or two.
   */
  readonly listening?: () => boolean;
}
