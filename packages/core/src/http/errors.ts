import { BEARER_ONLY, type ChallengeScheme, type ChallengeSchemes, formatChallenges } from "./challenge.js";
import {
  type BearerErrorCode,
  type BearerErrorType,
  ERROR_CODES,
  type InvalidDpopProofCode,
  type InvalidRequestCode,
  type InvalidTokenCode,
} from "./error-codes.js";

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
