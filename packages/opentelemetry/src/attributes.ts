/**
 * Attribute names, following OpenTelemetry's naming rules: lower case, dot-separated namespaces,
 * snake_case words; the general semantic conventions where one fits (`error.type`, `url.full`,
 * `server.address`, `http.response.status_code`), the `scopegate.` namespace for the rest.
 */
export const ATTR_OUTCOME = "scopegate.outcome";
export const ATTR_ISSUER = "scopegate.issuer";
export const ATTR_CLIENT_ID = "scopegate.client_id";
export const ATTR_SCOPES = "scopegate.scopes";
export const ATTR_BINDING = "scopegate.binding";
export const ATTR_TOKEN_CACHE_HIT = "scopegate.token_cache.hit";
/** The RFC 6750 error of a refusal (`invalid_token`, `insufficient_scope`, …). */
export const ATTR_OAUTH_ERROR = "scopegate.oauth.error";
/** The HTTP status a refusal answers with (the request's, set by scopegate's error). */
export const ATTR_STATUS_CODE = "scopegate.response.status_code";
export const ATTR_FETCH_REASON = "scopegate.jwks.fetch.reason";
export const ATTR_KEY_COUNT = "scopegate.jwks.key_count";
export const ATTR_UNKNOWN_KID_ACTION = "scopegate.jwks.unknown_kid.action";
/** The `active` of an introspection answer (RFC 7662). */
export const ATTR_INTROSPECTION_ACTIVE = "scopegate.introspection.active";
export const ATTR_ERROR_TYPE = "error.type";
export const ATTR_URL_FULL = "url.full";
export const ATTR_SERVER_ADDRESS = "server.address";
export const ATTR_HTTP_STATUS_CODE = "http.response.status_code";

/** Span names. */
export const SPAN_VERIFY = "scopegate.verify";
export const SPAN_JWKS_FETCH = "scopegate.jwks.fetch";
export const SPAN_DISCOVERY = "scopegate.discovery";
export const SPAN_INTROSPECTION = "scopegate.introspection";

/** Metric names. */
export const METRIC_VERIFICATIONS = "scopegate.verifications";
export const METRIC_REFUSALS = "scopegate.refusals";
export const METRIC_VERIFICATION_DURATION = "scopegate.verification.duration";
export const METRIC_JWKS_FETCHES = "scopegate.jwks.fetches";
export const METRIC_JWKS_FETCH_DURATION = "scopegate.jwks.fetch.duration";
export const METRIC_STALE_SERVED = "scopegate.jwks.stale_served";
export const METRIC_REFRESH_FAILURES = "scopegate.jwks.refresh_failures";
export const METRIC_UNKNOWN_KID = "scopegate.jwks.unknown_kid";
export const METRIC_DISCOVERIES = "scopegate.discovery.fetches";
export const METRIC_REPLAYS = "scopegate.replays";
export const METRIC_INTROSPECTIONS = "scopegate.introspection.requests";
export const METRIC_INTROSPECTION_DURATION = "scopegate.introspection.duration";
export const METRIC_INTROSPECTION_CACHE_HITS = "scopegate.introspection.cache_hits";
