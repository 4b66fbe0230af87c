import { formatChallenge } from "./challenge.js";

/** RFC 6750 §3.1 error codes, plus `temporarily_unavailable` for a 503 when no key can be had. */
export type BearerErrorType =
  | "invalid_request"
  | "invalid_token"
  | "insufficient_scope"
  | "temporarily_unavailable";

/**
 * Every stable code a request-time API can throw, with its HTTP status and fixed description.
 * Descriptions never contain request data or another library's message.
 */
export const ERROR_CODES = {
  ERR_NO_CREDENTIALS: { status: 401, error: undefined, description: "Authentication is required" },
  ERR_MALFORMED_AUTHORIZATION: {
    status: 400,
    error: "invalid_request",
    description: "The Authorization header is malformed",
  },
  ERR_MULTIPLE_CREDENTIALS: {
    status: 400,
    error: "invalid_request",
    description: "The request carries more than one access token",
  },
  ERR_EMPTY_TOKEN: { status: 400, error: "invalid_request", description: "The bearer token is empty" },
  ERR_TOKEN_MALFORMED: { status: 401, error: "invalid_token", description: "The access token is malformed" },
  ERR_TOKEN_TOO_LARGE: { status: 401, error: "invalid_token", description: "The access token is too large" },
  ERR_TOKEN_HEADER_UNSUPPORTED: {
    status: 401,
    error: "invalid_token",
    description: "The access token header carries a parameter that is not accepted",
  },
  ERR_TOKEN_ALGORITHM: {
    status: 401,
    error: "invalid_token",
    description: "The access token is signed with an algorithm that is not accepted",
  },
  ERR_TOKEN_KEY_NOT_FOUND: {
    status: 401,
    error: "invalid_token",
    description: "No key matches the access token's key identifier",
  },
  ERR_TOKEN_SIGNATURE: {
    status: 401,
    error: "invalid_token",
    description: "The access token signature is invalid",
  },
  ERR_TOKEN_EXPIRED: { status: 401, error: "invalid_token", description: "The access token expired" },
  ERR_TOKEN_NOT_YET_VALID: {
    status: 401,
    error: "invalid_token",
    description: "The access token is not yet valid",
  },
  ERR_TOKEN_ISSUED_IN_FUTURE: {
    status: 401,
    error: "invalid_token",
    description: "The access token was issued in the future",
  },
  ERR_TOKEN_TOO_OLD: { status: 401, error: "invalid_token", description: "The access token is too old" },
  ERR_TOKEN_ISSUER: {
    status: 401,
    error: "invalid_token",
    description: "The access token issuer is not accepted",
  },
  ERR_TOKEN_AUDIENCE: {
    status: 401,
    error: "invalid_token",
    description: "The access token audience is not accepted",
  },
  ERR_TOKEN_TYPE: {
    status: 401,
    error: "invalid_token",
    description: "The access token type is not accepted",
  },
  ERR_TOKEN_CLAIM_MISSING: {
    status: 401,
    error: "invalid_token",
    description: "The access token is missing a required claim",
  },
  ERR_TOKEN_CLAIM_INVALID: {
    status: 401,
    error: "invalid_token",
    description: "The access token has a claim with an invalid value",
  },
  ERR_TOKEN_CLIENT: {
    status: 401,
    error: "invalid_token",
    description: "The access token was issued to a client that is not accepted",
  },
  ERR_TOKEN_CERTIFICATE_REQUIRED: {
    status: 401,
    error: "invalid_token",
    description: "The access token is bound to a client certificate, and the request presented none",
  },
  ERR_TOKEN_CERTIFICATE_MISMATCH: {
    status: 401,
    error: "invalid_token",
    description: "The access token is bound to another client certificate",
  },
  ERR_TOKEN_REJECTED: { status: 401, error: "invalid_token", description: "The access token was rejected" },
  ERR_INSUFFICIENT_SCOPE: {
    status: 403,
    error: "insufficient_scope",
    description: "The access token lacks a required scope",
  },
  ERR_JWKS_UNAVAILABLE: {
    status: 503,
    error: "temporarily_unavailable",
    description: "The signing keys cannot be obtained right now; try again later",
  },
} as const satisfies Record<
  string,
  { status: number; error: BearerErrorType | undefined; description: string }
>;

export type BearerErrorCode = keyof typeof ERROR_CODES;

/** Codes of {@link InvalidRequestError}. */
export type InvalidRequestCode =
  | "ERR_MALFORMED_AUTHORIZATION"
  | "ERR_MULTIPLE_CREDENTIALS"
  | "ERR_EMPTY_TOKEN";
/** Codes of {@link InvalidTokenError}. */
export type InvalidTokenCode = {
  [C in BearerErrorCode]: (typeof ERROR_CODES)[C]["error"] extends "invalid_token" ? C : never;
}[BearerErrorCode];

/** The JSON body every failure answers with. `error` is absent only on the bare 401. */
export interface BearerErrorBody {
  error?: BearerErrorType;
  error_description: string;
}

export interface BearerErrorOptions {
  /** The underlying error, kept for logs; never shown to clients. */
  cause?: unknown;
  /** Protection space for the challenge. Default: `"api"`. */
  realm?: string;
  /** RFC 9728 metadata URL for the challenge's `resource_metadata`. Default: none. */
  resourceMetadata?: string | undefined;
}

const BRAND = Symbol.for("scopegate.BearerError");
/** Default `realm` of every challenge. */
export const DEFAULT_REALM = "api";

/**
 * Base of every error a request-time API throws. It carries everything a framework needs to answer:
 * `status`, `headers` (with `WWW-Authenticate`), and `body()` for the JSON response.
 */
export class BearerError extends Error {
  /** Stable machine-readable code. */
  readonly code: BearerErrorCode;
  /** RFC 6750 error code (`undefined` for the bare challenge). */
  readonly error: BearerErrorType | undefined;
  /** HTTP status: 400, 401, 403 or 503. */
  readonly status: number;
  /** Alias of `status`, for frameworks that read `statusCode`. */
  readonly statusCode: number;
  /** Fixed, safe description of `code`. */
  readonly description: string;
  /** Always true: the message is safe to show (Koa and http-errors read this). */
  readonly expose = true;
  /** Protection space used in the challenge. */
  realm: string;
  /** RFC 9728 metadata URL the challenge points to (`resource_metadata`), when the verifier has one. */
  resourceMetadata: string | undefined;

  constructor(code: BearerErrorCode, options: BearerErrorOptions = {}) {
    const entry = ERROR_CODES[code];
    super(entry.description, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "BearerError";
    this.code = code;
    this.error = entry.error;
    this.status = entry.status;
    this.statusCode = entry.status;
    this.description = entry.description;
    this.realm = options.realm ?? DEFAULT_REALM;
    this.resourceMetadata = options.resourceMetadata;
    Object.defineProperty(this, BRAND, { value: true });
  }

  /** Response headers: `WWW-Authenticate` for 400/401/403, `Retry-After` for 503. */
  get headers(): Record<string, string> {
    return {
      "WWW-Authenticate": formatChallenge({
        realm: this.realm,
        error: this.error,
        errorDescription: this.error ? this.description : undefined,
        resourceMetadata: this.resourceMetadata,
      }),
    };
  }

  /** The JSON response body: `{ error, error_description }`. */
  body(): BearerErrorBody {
    return this.error
      ? { error: this.error, error_description: this.description }
      : { error_description: this.description };
  }

  toJSON(): BearerErrorBody & { code: BearerErrorCode; status: number } {
    return { ...this.body(), code: this.code, status: this.status };
  }
}

/** No credentials were presented: 401 with a bare `Bearer realm="…"` challenge. */
export class CredentialsRequiredError extends BearerError {
  constructor(options?: BearerErrorOptions) {
    super("ERR_NO_CREDENTIALS", options);
    this.name = "CredentialsRequiredError";
  }
}

/** The request is malformed (RFC 6750 `invalid_request`): 400. */
export class InvalidRequestError extends BearerError {
  constructor(code: InvalidRequestCode, options?: BearerErrorOptions) {
    super(code, options);
    this.name = "InvalidRequestError";
  }
}

/** The token failed a check (RFC 6750 `invalid_token`): 401. */
export class InvalidTokenError extends BearerError {
  constructor(code: InvalidTokenCode, options?: BearerErrorOptions) {
    super(code, options);
    this.name = "InvalidTokenError";
  }
}

export interface InsufficientScopeOptions extends BearerErrorOptions {
  /** Scopes the resource needs (the challenge's `scope` attribute). */
  requiredScopes: readonly string[];
  /** Whether every scope (`"all"`) or any one of them (`"any"`) is needed. */
  match: "all" | "any";
}

/** The token is valid but lacks the scopes the resource needs (`insufficient_scope`): 403. */
export class InsufficientScopeError extends BearerError {
  readonly requiredScopes: readonly string[];
  readonly match: "all" | "any";

  constructor(options: InsufficientScopeOptions) {
    super("ERR_INSUFFICIENT_SCOPE", options);
    this.name = "InsufficientScopeError";
    this.requiredScopes = Object.freeze([...options.requiredScopes]);
    this.match = options.match;
  }

  override get headers(): Record<string, string> {
    return {
      "WWW-Authenticate": formatChallenge({
        realm: this.realm,
        error: this.error,
        errorDescription: this.description,
        scope: this.requiredScopes.join(" "),
        resourceMetadata: this.resourceMetadata,
      }),
    };
  }
}

export interface JwksUnavailableOptions extends BearerErrorOptions {
  /** Seconds a client should wait before retrying. Default: 30. */
  retryAfterSec?: number;
}

/** No usable signing key could be obtained (authorization server down, no cached keys): 503. */
export class JwksUnavailableError extends BearerError {
  readonly retryAfterSec: number;

  constructor(options: JwksUnavailableOptions = {}) {
    super("ERR_JWKS_UNAVAILABLE", options);
    this.name = "JwksUnavailableError";
    this.retryAfterSec = Math.max(1, Math.ceil(options.retryAfterSec ?? 30));
  }

  override get headers(): Record<string, string> {
    return { "Retry-After": String(this.retryAfterSec), "Cache-Control": "no-store" };
  }
}

/**
 * True for any scopegate error, even one thrown by another installed copy of `@scopegate/core`
 * (the check uses a global symbol, not `instanceof`).
 */
export function isBearerError(value: unknown): value is BearerError {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
}

/** Sets the realm on a scopegate error and returns it (used by verifiers configured with a realm). */
export function withRealm<E extends BearerError>(error: E, realm: string): E {
  error.realm = realm;
  return error;
}

/** What a verifier stamps on every error's challenge. */
export interface ChallengeContext {
  readonly realm: string;
  /** The `resource_metadata` URL, or `null` for none. */
  readonly resourceMetadataUrl: string | null;
}

/** Sets a verifier's realm and `resource_metadata` URL on a scopegate error and returns it. */
export function withChallenge<E extends BearerError>(error: E, context: ChallengeContext): E {
  error.realm = context.realm;
  if (context.resourceMetadataUrl !== null) error.resourceMetadata = context.resourceMetadataUrl;
  return error;
}
