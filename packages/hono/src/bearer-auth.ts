import {
  type AuthOptions,
  type BearerAuthOptions,
  resolveAuthOptions,
  type VerifiedToken,
  type Verifier,
} from "@scopegate/core";
import type { Context, Env, MiddlewareHandler, Next } from "hono";
import { type AuthEnv, authenticateContext, getContext, sendResponseHeaders, setContext } from "./context.js";
import { handOn } from "./errors.js";

/** The middleware `bearerAuth()` returns; `verifier` is there to share with `requireScope(…, { verifier })`. */
export type BearerAuthMiddleware<E extends Env = AuthEnv> = MiddlewareHandler<E & AuthEnv> & {
  readonly verifier: Verifier;
};

/**
 * Authenticates the request's bearer token and sets `c.get("auth")`.
 *
 * A failure (400 `invalid_request`, 401, 503 when no key can be had) is thrown as an `HTTPException`
 * whose response is the RFC 6750 answer (see `handleErrors`), so `app.onError` sees it first and
 * Hono's default handler answers correctly. Options are checked now: a bad one throws a `TypeError`.
 */
export function bearerAuth<E extends Env = AuthEnv>(options: BearerAuthOptions): BearerAuthMiddleware<E>;
export function bearerAuth<E extends Env = AuthEnv>(
  verifier: Verifier,
  options?: AuthOptions,
): BearerAuthMiddleware<E>;
export function bearerAuth<E extends Env = AuthEnv>(
  first: BearerAuthOptions | Verifier,
  second?: AuthOptions,
): BearerAuthMiddleware<E> {
  const { verifier, credentialsRequired, handleErrors } = resolveAuthOptions(first, second);

  async function scopegateBearerAuth(c: Context<E & AuthEnv>, next: Next): Promise<Response | undefined> {
    const previous = getContext(c);
    if (previous?.verifier !== verifier || !previous.token) {
      let token: VerifiedToken | undefined;
      try {
        // A cached token is at hand: no await for it.
        const outcome = authenticateContext(c, verifier, credentialsRequired);
        token = outcome instanceof Promise ? await outcome : outcome;
      } catch (error) {
        return handOn(error, handleErrors);
      }
      setContext(c, { verifier, token, handleErrors });
      await next();
      sendResponseHeaders(c, token);
      return;
    }
    await next();
  }
  return Object.assign(scopegateBearerAuth, { verifier });
}
