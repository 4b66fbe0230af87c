/** Why an introspection gave no usable answer. Kept as the `cause` of a 503; reported through `onEvent`. */
export type IntrospectionFailureCode =
  /** No endpoint: discovery failed, or the metadata names no usable `introspection_endpoint`. */
  | "ERR_INTROSPECTION_ENDPOINT"
  /** The connection failed. */
  | "ERR_INTROSPECTION_NETWORK"
  /** No complete answer within `timeoutMs`. */
  | "ERR_INTROSPECTION_TIMEOUT"
  /** The endpoint redirected: an introspection request (it carries the token) is never sent on. */
  | "ERR_INTROSPECTION_REDIRECT"
  /** The status is not 200 (see `status`). */
  | "ERR_INTROSPECTION_STATUS"
  /** The endpoint refused this resource server's client authentication (401, `invalid_client`). */
  | "ERR_INTROSPECTION_CLIENT_AUTH"
  /** The answer is larger than `maxResponseBytes`. */
  | "ERR_INTROSPECTION_TOO_LARGE"
  /** The answer is neither `application/json` nor (RFC 9701) `application/token-introspection+jwt`. */
  | "ERR_INTROSPECTION_CONTENT_TYPE"
  /** The answer is not an RFC 7662 answer: not a JSON object, `active` not a boolean, a malformed JWT. */
  | "ERR_INTROSPECTION_RESPONSE"
  /** An RFC 9701 answer whose signature, key, `iss`, `aud` or `typ` does not check out. */
  | "ERR_INTROSPECTION_SIGNATURE";

const MESSAGES: Record<IntrospectionFailureCode, string> = {
  ERR_INTROSPECTION_ENDPOINT: "No usable introspection endpoint",
  ERR_INTROSPECTION_NETWORK: "The introspection request failed",
  ERR_INTROSPECTION_TIMEOUT: "The introspection request timed out",
  ERR_INTROSPECTION_REDIRECT: "The introspection endpoint redirected",
  ERR_INTROSPECTION_STATUS: "The introspection endpoint answered with an unexpected status",
  ERR_INTROSPECTION_CLIENT_AUTH: "The introspection endpoint refused the client authentication",
  ERR_INTROSPECTION_TOO_LARGE: "The introspection answer is larger than allowed",
  ERR_INTROSPECTION_CONTENT_TYPE: "The introspection answer has an unexpected content type",
  ERR_INTROSPECTION_RESPONSE: "The introspection answer is not a valid RFC 7662 answer",
  ERR_INTROSPECTION_SIGNATURE: "The signed introspection answer does not verify",
};

/**
 * An introspection failed for a reason on the authorization server's side (or the way there). Never
 * carries the token, the request body, or another library's error object.
 */
export class IntrospectionFailure extends Error {
  readonly code: IntrospectionFailureCode;
  /** The endpoint asked (configuration or metadata, never request data), when known. */
  readonly endpoint: string | undefined;
  /** The HTTP status, for `ERR_INTROSPECTION_STATUS` and `ERR_INTROSPECTION_CLIENT_AUTH`. */
  readonly status: number | undefined;
  /** The underlying library's error code, if any (e.g. oauth4webapi's `OAUTH_PARSE_ERROR`). */
  readonly detail: string | undefined;

  constructor(
    code: IntrospectionFailureCode,
    options: { endpoint?: string | undefined; status?: number | undefined; detail?: string | undefined } = {},
  ) {
    const status = options.status === undefined ? "" : ` (${options.status})`;
    super(`${MESSAGES[code]}${status}${options.endpoint === undefined ? "" : `: ${options.endpoint}`}`);
    this.name = "IntrospectionFailure";
    this.code = code;
    this.endpoint = options.endpoint;
    this.status = options.status;
    this.detail = options.detail;
  }
}
