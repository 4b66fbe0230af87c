import { BEARER_ONLY, type ChallengeScheme, type ChallengeSchemes, formatChallenges } from "./challenge.js";

/**
 * RFC 6750 §3.1 error codes, RFC 9449's `invalid_dpop_proof` and `use_dpop_nonce`, and
 * `temporarily_unavailable` for a 503 when no key (or no replay check) can be had.
 */
export type BearerErrorType =
  | "invalid_request"
  | "invalid_token"
  | "insufficient_scope"
  | "invalid_dpop_proof"
  | "use_dpop_nonce"
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
  ERR_TOKEN_BINDING_UNSUPPORTED: {
    status: 401,
    error: "invalid_token",
    description: "The access token is bound by a confirmation method that is not accepted",
  },
  ERR_TOKEN_DPOP_BOUND: {
    status: 401,
    error: "invalid_token",
    description: "The access token is bound to a DPoP key: send it with the DPoP scheme and a proof",
  },
  ERR_TOKEN_NOT_DPOP_BOUND: {
    status: 401,
    error: "invalid_token",
    description: "The access token sent with the DPoP scheme is not bound to a DPoP key",
  },
  ERR_DPOP_PROOF_MISSING: {
    status: 401,
    error: "invalid_dpop_proof",
    description: "The request carries no DPoP proof",
  },
  ERR_DPOP_PROOF_MULTIPLE: {
    status: 401,
    error: "invalid_dpop_proof",
    description: "The request carries more than one DPoP proof",
  },
  ERR_DPOP_PROOF_MALFORMED: {
    status: 401,
    error: "invalid_dpop_proof",
    description: "The DPoP proof is malformed",
  },
  ERR_DPOP_PROOF_TYPE: {
    status: 401,
    error: "invalid_dpop_proof",
    description: "The DPoP proof type is not dpop+jwt",
  },
  ERR_DPOP_PROOF_ALGORITHM: {
    status: 401,
    error: "invalid_dpop_proof",
    description: "The DPoP proof is signed with an algorithm that is not accepted",
  },
  ERR_DPOP_PROOF_KEY: {
    status: 401,
    error: "invalid_dpop_proof",
    description: "The DPoP proof does not carry an acceptable public key",
  },
  ERR_DPOP_PROOF_SIGNATURE: {
    status: 401,
    error: "invalid_dpop_proof",
    description: "The DPoP proof signature is invalid",
  },
  ERR_DPOP_PROOF_METHOD: {
    status: 401,
    error: "invalid_dpop_proof",
    description: "The DPoP proof was made for another HTTP method",
  },
  ERR_DPOP_PROOF_URL: {
    status: 401,
    error: "invalid_dpop_proof",
    description: "The DPoP proof was made for another URL",
  },
  ERR_DPOP_PROOF_TIME: {
    status: 401,
    error: "invalid_dpop_proof",
    description: "The DPoP proof is too old or was issued in the future",
  },
  ERR_DPOP_PROOF_ID: {
    status: 401,
    error: "invalid_dpop_proof",
    description: "The DPoP proof has no usable identifier",
  },
  ERR_DPOP_PROOF_REPLAYED: {
    status: 401,
    error: "invalid_dpop_proof",
    description: "The DPoP proof was already used",
  },
  ERR_DPOP_PROOF_TOKEN_HASH: {
    status: 401,
    error: "invalid_dpop_proof",
    description: "The DPoP proof was made for another access token",
  },
  ERR_DPOP_PROOF_KEY_MISMATCH: {
    status: 401,
    error: "invalid_dpop_proof",
    description: "The DPoP proof key is not the key the access token is bound to",
  },
  ERR_DPOP_NONCE: {
    status: 401,
    error: "use_dpop_nonce",
    description: "The DPoP proof must carry the nonce this server provided",
  },
  ERR_TOKEN_INACTIVE: {
    status: 401,
    error: "invalid_token",
    description: "The access token is not active",
  },
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
  ERR_DPOP_REPLAY_UNAVAILABLE: {
    status: 503,
    error: "temporarily_unavailable",
    description: "DPoP proofs cannot be checked for replay right now; try again later",
  },
  ERR_INTROSPECTION_UNAVAILABLE: {
    status: 503,
    error: "temporarily_unavailable",
    description:
      "The access token cannot be checked with the authorization server right now; try again later",
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
/** The codes whose RFC error is `E`. */
type CodesOf<E extends BearerErrorType> = {
  [C in BearerErrorCode]: (typeof ERROR_CODES)[C]["error"] extends E ? C : never;
}[BearerErrorCode];
/** Codes of {@link InvalidTokenError}. */
export type InvalidTokenCode = CodesOf<"invalid_token">;
/** Codes of {@link InvalidDpopProofError}. */
export type InvalidDpopProofCode = CodesOf<"invalid_dpop_proof">;

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
  /** The schemes the challenge offers (set by the verifier that threw it). Default: Bearer only. */
  challenges: ChallengeSchemes;
  /**
   * The scheme whose challenge carries `error`: the one the request used (set by the verifier), and
   * always `"DPoP"` for a DPoP proof error. Default: `"Bearer"`.
   */
  scheme: ChallengeScheme;

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
    this.challenges = BEARER_ONLY;
    this.scheme = isDpopError(entry.error) ? "DPoP" : "Bearer";
    Object.defineProperty(this, BRAND, { value: true });
  }

  /** Response headers: `WWW-Authenticate` for 400/401/403, `Retry-After` for 503. */
  get headers(): Record<string, string> {
    return { "WWW-Authenticate": this.challenge(undefined) };
  }

  /** The `WWW-Authenticate` value: every offered scheme, the error in the one of {@link scheme}. */
  protected challenge(scope: string | undefined): string {
    return formatChallenges(this.challenges, this.scheme, {
      realm: this.realm,
      error: this.error,
      errorDescription: this.error ? this.description : undefined,
      scope,
      resourceMetadata: this.resourceMetadata,
    });
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
    return { "WWW-Authenticate": this.challenge(this.requiredScopes.join(" ")) };
  }
}

/** The DPoP proof failed a check (RFC 9449 `invalid_dpop_proof`): 401, with a `DPoP` challenge. */
export class InvalidDpopProofError extends BearerError {
  constructor(code: InvalidDpopProofCode, options?: BearerErrorOptions) {
    super(code, options);
    this.name = "InvalidDpopProofError";
  }
}

export interface DpopNonceErrorOptions extends BearerErrorOptions {
  /** The nonce the client must put in its next proof (sent as `DPoP-Nonce`). */
  nonce: string;
}

/**
 * The DPoP proof lacks the server's nonce, or carries one that expired (RFC 9449 §9
 * `use_dpop_nonce`): 401 with a fresh nonce in `DPoP-Nonce`.
 */
export class DpopNonceError extends BearerError {
  readonly nonce: string;
  constructor(options: DpopNonceErrorOptions) {
    super("ERR_DPOP_NONCE", options);
    this.name = "DpopNonceError";
    this.nonce = options.nonce;
  }

  override get headers(): Record<string, string> {
    return { ...super.headers, "DPoP-Nonce": this.nonce };
  }
}

function isDpopError(error: BearerErrorType | undefined): boolean {
  return error === "invalid_dpop_proof" || error === "use_dpop_nonce";
}

export interface JwksUnavailableOptions extends BearerErrorOptions {
  /** Seconds a client should wait before retrying. Default: 30. */
  retryAfterSec?: number;
}

/** Something the check depends on cannot answer (a server problem, never the client's): 503 with `Retry-After`. */
abstract class UnavailableError extends BearerError {
  readonly retryAfterSec: number;

  constructor(
    code: "ERR_JWKS_UNAVAILABLE" | "ERR_DPOP_REPLAY_UNAVAILABLE" | "ERR_INTROSPECTION_UNAVAILABLE",
    options: JwksUnavailableOptions,
    defaultRetryAfterSec: number,
  ) {
    super(code, options);
    this.retryAfterSec = Math.max(1, Math.ceil(options.retryAfterSec ?? defaultRetryAfterSec));
  }

  override get headers(): Record<string, string> {
    return { "Retry-After": String(this.retryAfterSec), "Cache-Control": "no-store" };
  }
}

/** No usable signing key could be obtained (authorization server down, no cached keys): 503. */
export class JwksUnavailableError extends UnavailableError {
  constructor(options: JwksUnavailableOptions = {}) {
    super("ERR_JWKS_UNAVAILABLE", options, 30);
    this.name = "JwksUnavailableError";
  }
}

/**
 * The DPoP replay store (or the nonce secret source) could not answer: a proof that cannot be
 * checked is not accepted (RFC 9449 §11.1). 503 with `Retry-After` (default 5 s).
 */
export class DpopReplayUnavailableError extends UnavailableError {
  constructor(options: JwksUnavailableOptions = {}) {
    super("ERR_DPOP_REPLAY_UNAVAILABLE", options, 5);
    this.name = "DpopReplayUnavailableError";
  }
}

/**
 * An opaque token could not be checked: the introspection endpoint cannot be reached, or gave no
 * usable answer, and no cached answer holds: 503. The `cause` (an `IntrospectionFailure`) says why.
 */
export class IntrospectionUnavailableError extends UnavailableError {
  constructor(options: JwksUnavailableOptions = {}) {
    super("ERR_INTROSPECTION_UNAVAILABLE", options, 5);
    this.name = "IntrospectionUnavailableError";
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
  /** The schemes the challenge offers. Default: the error's own (Bearer only unless set). */
  readonly schemes?: ChallengeSchemes;
}

/**
 * Sets a verifier's realm, `resource_metadata` URL and offered schemes on a scopegate error, and the
 * scheme the request used (whose challenge carries the error, unless it is a DPoP proof error).
 * Returns the error.
 */
export function withChallenge<E extends BearerError>(
  error: E,
  context: ChallengeContext,
  requestScheme?: ChallengeScheme,
): E {
  error.realm = context.realm;
  if (context.resourceMetadataUrl !== null) error.resourceMetadata = context.resourceMetadataUrl;
  if (context.schemes !== undefined) error.challenges = context.schemes;
  if (requestScheme !== undefined && !isDpopError(error.error)) error.scheme = requestScheme;
  return error;
}
