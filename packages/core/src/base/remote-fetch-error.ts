/** Why fetching a JWKS or authorization server metadata failed. */
export type RemoteFetchErrorCode =
  /** The URL (or a redirect target) is not absolute `https:` (or loopback `http:`) without credentials. */
  | "ERR_FETCH_URL"
  /** The connection failed. */
  | "ERR_FETCH_NETWORK"
  /** No complete answer within `timeoutMs`. */
  | "ERR_FETCH_TIMEOUT"
  /** The answer's status is not 200 (see `status`). */
  | "ERR_FETCH_STATUS"
  /** Too many redirects, a redirect loop, or a redirect without a usable `Location`. */
  | "ERR_FETCH_REDIRECT"
  /**
   * A redirect to an origin that is not allowed (another origin than the requested URL's and not in
   * `redirectOrigins`, or `https:` down to `http:`); `refusedOrigin` names it.
   */
  | "ERR_FETCH_REDIRECT_REFUSED"
  /** The body is larger than `maxResponseBytes`. */
  | "ERR_FETCH_TOO_LARGE"
  /** The `Content-Type` is not JSON. */
  | "ERR_FETCH_CONTENT_TYPE"
  /** The body is not a JSON object. */
  | "ERR_FETCH_JSON"
  /** The JSON has no `keys` array. */
  | "ERR_JWKS_INVALID"
  /** The key set has no usable signing key (every entry was skipped). */
  | "ERR_JWKS_NO_KEYS"
  /** The metadata is not usable (no valid `jwks_uri`, or the issuer's URL cannot be used). */
  | "ERR_METADATA_INVALID"
  /** The metadata's `issuer` differs from the configured issuer (mix-up defence). */
  | "ERR_METADATA_ISSUER_MISMATCH";

const MESSAGES: Record<RemoteFetchErrorCode, string> = {
  ERR_FETCH_URL: "The URL is not an acceptable https: URL",
  ERR_FETCH_NETWORK: "The request failed",
  ERR_FETCH_TIMEOUT: "The request timed out",
  ERR_FETCH_STATUS: "The server answered with an unexpected status",
  ERR_FETCH_REDIRECT: "Too many redirects, a redirect loop, or an unusable redirect",
  ERR_FETCH_REDIRECT_REFUSED: "A redirect to an origin that is not allowed was refused",
  ERR_FETCH_TOO_LARGE: "The response is larger than allowed",
  ERR_FETCH_CONTENT_TYPE: "The response is not JSON",
  ERR_FETCH_JSON: "The response body is not a JSON object",
  ERR_JWKS_INVALID: "The response is not a JWK Set (no keys array)",
  ERR_JWKS_NO_KEYS: "The JWK Set contains no usable signing key",
  ERR_METADATA_INVALID: "The authorization server metadata is not usable",
  ERR_METADATA_ISSUER_MISMATCH: "The metadata issuer does not match the configured issuer",
};

/**
 * A JWKS or metadata fetch failed. Reported through `onEvent` and kept as the `cause` of a
 * `JwksUnavailableError`; never thrown from a request-time API itself.
 */
export class RemoteFetchError extends Error {
  readonly code: RemoteFetchErrorCode;
  /** The URL that was being fetched (configuration, never request data). */
  readonly url: string;
  /** The HTTP status, for `ERR_FETCH_STATUS`. */
  readonly status: number | undefined;
  /** For `ERR_FETCH_REDIRECT_REFUSED`: the origin the redirect led to (scheme, host, port only). */
  readonly refusedOrigin: string | undefined;

  constructor(
    code: RemoteFetchErrorCode,
    url: string,
    options: { cause?: unknown; status?: number; refusedOrigin?: string } = {},
  ) {
    const refused = options.refusedOrigin === undefined ? "" : ` (${options.refusedOrigin})`;
    super(
      `${describeFetchFailure(code, options.status)}${refused}: ${url}`,
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.name = "RemoteFetchError";
    this.code = code;
    this.url = url;
    this.status = options.status;
    this.refusedOrigin = options.refusedOrigin;
  }

  /** What went wrong, without the URL: fixed text per code (and the status), safe to show. */
  get description(): string {
    return describeFetchFailure(this.code, this.status);
  }
}

/** The fixed text of a fetch failure code, with the HTTP status when there is one. */
export function describeFetchFailure(code: RemoteFetchErrorCode, status?: number): string {
  return `${MESSAGES[code]}${status === undefined ? "" : ` (${status})`}`;
}
