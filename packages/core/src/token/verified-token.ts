import type { JwtClaims, JwtHeader, VerifiedToken } from "../base/types.js";
import { clientIdOf } from "./claims.js";
import { readTokenBinding } from "./confirmation.js";
import { readFrozenScopes, type ScopeClaim } from "./scopes.js";

/** What the result step reads from the verifier's options. */
export interface VerifiedTokenOptions {
  readonly scopeClaims: readonly ScopeClaim[];
  readonly clientIdClaims: readonly string[];
}

/**
 * The result step: a token that passed every check, as the frozen {@link VerifiedToken} callers see
 * (and the token cache keeps). Throws `InvalidTokenError` for a `cnf` claim it cannot read.
 */
export function toVerifiedToken(
  token: string,
  header: JwtHeader,
  claims: JwtClaims,
  options: VerifiedTokenOptions,
): VerifiedToken {
  return Object.freeze({
    token,
    header, // frozen when decoded (decodeToken), and shared by the tokens that spell it alike
    claims: Object.freeze(claims),
    scopes: readFrozenScopes(claims, options.scopeClaims),
    subject: claims.sub,
    clientId: clientIdOf(claims, options.clientIdClaims),
    issuer: claims.iss as string,
    expiresAt: new Date((claims.exp as number) * 1000),
    binding: readTokenBinding(claims),
  });
}
