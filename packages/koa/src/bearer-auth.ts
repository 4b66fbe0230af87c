import {
  type AuthOptions,
  authenticateNow,
  type BearerAuthOptions,
  resolveAuthOptions,
  type VerifiedToken,
  type Verifier,
} from "@scopegate/core";
import type { Middleware } from "koa";
import { getContext, setContext } from "./context.js";
import { handOn } from "./errors.js";

declare module "koa" {
  interface DefaultState {
    /**
     * The verified access token, set by `bearerAuth()` (or a scope middleware that authenticated).
     * `undefined` on anonymous requests (`credentialsRequired: false`) and on routes without scopegate.
     */
    auth?: VerifiedToken;
  }
}

/** The middleware `bearerAuth()` returns; `verifier` is there to share with `requireScope(…, { verifier })`. */
export type BearerAuthMiddleware = Middleware & { readonly verifier: Verifier };

/**
 * Authenticates the request's bearer token and sets `ctx.state.auth`.
 *
 * Failures (400 `invalid_request`, 401, 503 when no key can be had) are handed on as `handleErrors`
 * says: by default thrown as a `BearerError` (`status`, `headers`, `expose`, `body()`) for your error
 * middleware, and answered as RFC 6750 JSON when none of yours does.
 * Options are checked now: a bad one throws a `TypeError`.
 */
export function bearerAuth(options: BearerAuthOptions): BearerAuthMiddleware;
export function bearerAuth(verifier: Verifier, options?: AuthOptions): BearerAuthMiddleware;
export function bearerAuth(first: BearerAuthOptions | Verifier, second?: AuthOptions): BearerAuthMiddleware {
  const { verifier, credentialsRequired, handleErrors } = resolveAuthOptions(first, second);

  const scopegateBearerAuth: Middleware = async (ctx, next) => {
    const previous = getContext(ctx);
    if (previous?.verifier === verifier && previous.token) return next();
    let token: VerifiedToken | undefined;
    try {
      // A cached token is at hand: no await for it.
      const outcome = authenticateNow(verifier, ctx.request, credentialsRequired);
      token = outcome instanceof Promise ? await outcome : outcome;
    } catch (error) {
      return handOn(error, ctx, handleErrors);
    }
    setContext(ctx, { verifier, token, handleErrors });
    return next();
  };
  return Object.assign(scopegateBearerAuth, { verifier });
}
