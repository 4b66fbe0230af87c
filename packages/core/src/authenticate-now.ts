import type { HeadersLike, RequestLike, VerifiedToken } from "./base/types.js";
import { isBearerError } from "./http/errors.js";
import type { Verifier } from "./verifier.js";

/** What an adapter authenticates with: `authenticateNow` where the verifier has it. */
export type AuthenticatingVerifier = Pick<Verifier, "authenticate" | "authenticateNow">;

/** A request authenticated: its token, or `undefined` when credentials are optional and it had none. */
export type AuthOutcome = VerifiedToken | undefined;

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | undefined)?.then === "function";
}

/** The failure of a request that carried no credentials at all (401 with a bare challenge). */
function isNoCredentials(error: unknown): boolean {
  return isBearerError(error) && error.code === "ERR_NO_CREDENTIALS";
}

function noCredentialsAsAnonymous(error: unknown): undefined {
  if (isNoCredentials(error)) return undefined;
  throw error;
}

/**
 * For adapters: authenticates `request` as `verifier.authenticate(request)` does, without a promise
 * when the outcome is at hand (`Verifier.authenticateNow`): the token, or a `Promise` of it (never
 * another thenable). With `credentialsRequired: false`, a request without any credentials gives
 * `undefined`; a malformed, duplicated or invalid token still fails. Throws, or rejects with, what
 * `authenticate` rejects with.
 */
export function authenticateNow(
  verifier: AuthenticatingVerifier,
  request: RequestLike | HeadersLike,
  credentialsRequired?: true,
): VerifiedToken | Promise<VerifiedToken>;
export function authenticateNow(
  verifier: AuthenticatingVerifier,
  request: RequestLike | HeadersLike,
  credentialsRequired: boolean,
): AuthOutcome | Promise<AuthOutcome>;
export function authenticateNow(
  verifier: AuthenticatingVerifier,
  request: RequestLike | HeadersLike,
  credentialsRequired = true,
): AuthOutcome | Promise<AuthOutcome> {
  let outcome: unknown;
  try {
    outcome = verifier.authenticateNow ? verifier.authenticateNow(request) : verifier.authenticate(request);
  } catch (error) {
    if (credentialsRequired) throw error;
    return noCredentialsAsAnonymous(error);
  }
  if (!isThenable(outcome)) return outcome as VerifiedToken;
  const settling = Promise.resolve(outcome as PromiseLike<VerifiedToken>);
  return credentialsRequired ? settling : settling.catch(noCredentialsAsAnonymous);
}

/**
 * {@link authenticateNow} for callback-style adapters (Express, Fastify): calls `onToken` with the
 * outcome (at once when it is at hand, so that a cached token costs no promise) or `onError` with
 * the failure. Throws nothing of its own; what `onToken` or `onError` throw is theirs.
 */
export function authenticateThen(
  verifier: AuthenticatingVerifier,
  request: RequestLike | HeadersLike,
  credentialsRequired: true,
  onToken: (token: VerifiedToken) => void,
  onError: (error: unknown) => void,
): void;
export function authenticateThen(
  verifier: AuthenticatingVerifier,
  request: RequestLike | HeadersLike,
  credentialsRequired: boolean,
  onToken: (token: AuthOutcome) => void,
  onError: (error: unknown) => void,
): void;
export function authenticateThen(
  verifier: AuthenticatingVerifier,
  request: RequestLike | HeadersLike,
  credentialsRequired: boolean,
  onToken: ((token: AuthOutcome) => void) | ((token: VerifiedToken) => void),
  onError: (error: unknown) => void,
): void {
  // `undefined` reaches onToken only when credentials are optional, as the overloads say.
  const then = onToken as (token: AuthOutcome) => void;
  let outcome: AuthOutcome | Promise<AuthOutcome>;
  try {
    outcome = authenticateNow(verifier, request, credentialsRequired);
  } catch (error) {
    onError(error);
    return;
  }
  if (outcome instanceof Promise) outcome.then(then, onError);
  else then(outcome);
}
