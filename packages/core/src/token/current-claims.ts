import type { JwtClaims, JwtHeader } from "../base/types.js";
import { InvalidTokenError, isBearerError } from "../http/errors.js";
import { type ClaimCheckOptions, checkClaims, checkClaimTimes } from "./claims.js";

/**
 * A custom check run after the signature and standard claims pass. Throw, or return `false`, to
 * reject the token (401 `invalid_token`, `ERR_TOKEN_REJECTED`). May be async.
 */
export type ClaimValidator = (
  claims: Readonly<JwtClaims>,
  header: Readonly<JwtHeader>,
  // biome-ignore lint/suspicious/noConfusingVoidType: keeps a validator typed Promise<boolean | void> assignable
) => boolean | undefined | void | Promise<boolean | undefined | void>;

/** What the claims step reads: the claim checks' options, the caller's validators and the clock. */
export interface CurrentClaimsOptions extends ClaimCheckOptions {
  readonly validators: readonly ClaimValidator[];
  /** Current time in milliseconds since the epoch. */
  readonly clock: () => number;
}

export async function runValidators(
  claims: Readonly<JwtClaims>,
  header: Readonly<JwtHeader>,
  validators: readonly ClaimValidator[],
): Promise<void> {
  for (const validator of validators) {
    let accepted: unknown;
    try {
      accepted = await validator(claims, header);
    } catch (cause) {
      throw isBearerError(cause) ? cause : new InvalidTokenError("ERR_TOKEN_REJECTED", { cause });
    }
    if (accepted === false) throw new InvalidTokenError("ERR_TOKEN_REJECTED");
  }
}

/**
 * The claims step: the checks that depend on the clock or on the caller's validators, run on every
 * use of a token, cached or not. Throws the first failure; returns a promise only when there are
 * validators to wait for, `undefined` otherwise.
 */
export function checkCurrentClaims(
  claims: Readonly<JwtClaims>,
  header: Readonly<JwtHeader>,
  options: CurrentClaimsOptions,
): Promise<void> | undefined {
  checkClaims(claims, options, options.clock() / 1000);
  return options.validators.length === 0 ? undefined : runValidators(claims, header, options.validators);
}

/**
 * The claims step for a token the cache holds: its claims passed every check when it was verified
 * and are frozen, so only what can change runs again, the clock's checks (`exp`, `nbf`, `iat`,
 * `maxTokenAgeSec`) and the caller's validators. Throws or returns as {@link checkCurrentClaims}.
 */
export function checkCachedClaims(
  claims: Readonly<JwtClaims>,
  header: Readonly<JwtHeader>,
  options: CurrentClaimsOptions,
): Promise<void> | undefined {
  checkClaimTimes(claims, options, options.clock() / 1000);
  return options.validators.length === 0 ? undefined : runValidators(claims, header, options.validators);
}
