import { BearerError, type BearerErrorOptions } from "./errors.js";

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
