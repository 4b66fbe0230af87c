import { checkClaimTimes, type VerifiedToken, type Verifier } from "@scopegate/core";
import type { AuthState } from "./auth.js";

/**
 * What a guard authenticates with, compared by identity: its verifier, its options object, and its
 * `authenticate` and `getRequest` steps. A result left on the request is reused only by a guard with
 * the very same source; a subclass built with another verifier or options, or overriding either step,
 * authenticates again.
 */
export interface AuthSource {
  readonly verifier: Verifier;
  readonly options: object;
  readonly authenticate: unknown;
  readonly getRequest: unknown;
}

function isSameSource(a: AuthSource, b: AuthSource): boolean {
  return (
    a === b ||
    (a.verifier === b.verifier &&
      a.options === b.options &&
      a.authenticate === b.authenticate &&
      a.getRequest === b.getRequest)
  );
}

/**
 * Whether a token verified earlier still passes core's claim checks now (`exp`, `nbf`, `iat` and
 * `maxTokenAgeSec`, by the verifier's clock and tolerance), so a connection that hands the guard the
 * same request for hours (a WebSocket, a GraphQL subscription) stops being let through at `exp`.
 */
function isCurrent(token: VerifiedToken, verifier: Verifier): boolean {
  try {
    checkClaimTimes(token.claims, verifier.options, verifier.options.clock() / 1000);
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether a guard with `source` may take over the result an earlier guard left: the same source, and
 * a token that is still current; an anonymous result only where the route needs no credentials; never
 * the record of a `@Public()` route, where nothing was authenticated.
 */
export function isReusable(state: AuthState, source: AuthSource, credentialsRequired: boolean): boolean {
  if (state.source === null || !isSameSource(state.source, source)) return false;
  if (state.token === undefined) return !credentialsRequired;
  return isCurrent(state.token, source.verifier);
}
