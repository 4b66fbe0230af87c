import {
  type AdapterRequireScopesOptions,
  type HandleErrors,
  type ResolvedScopeOptions,
  resolveScopeOptions,
  resolveSingleScopeOptions,
  ScopegateConfigurationError,
  type VerifiedToken,
  type Verifier,
} from "@scopegate/core";
import type { Context, Env, MiddlewareHandler, Next } from "hono";
import { type AuthEnv, authenticateContext, getContext, sendResponseHeaders, setContext } from "./context.js";
import { handOn } from "./errors.js";

function scopeMiddleware<E extends Env>(
  where: string,
  { requirement, ...own }: ResolvedScopeOptions,
): MiddlewareHandler<E & AuthEnv> {
  return async function scopegateRequireScopes(
    c: Context<E & AuthEnv>,
    next: Next,
  ): Promise<Response | undefined> {
    const context = getContext(c);
    const usable = context && (own.verifier === undefined || own.verifier === context.verifier);
    const mode: HandleErrors = own.handleErrors ?? context?.handleErrors ?? "fallback";
    let verifier: Verifier;
    let token: VerifiedToken;
    let authenticatedHere = false;
    if (usable && context.token) {
      ({ verifier, token } = context as { verifier: Verifier; token: VerifiedToken });
    } else {
      // Anonymous so far (credentialsRequired: false), or no bearerAuth() before: authenticate here.
      const chosen = own.verifier ?? context?.verifier;
      if (!chosen) throw new ScopegateConfigurationError(where);
      verifier = chosen;
      try {
        const outcome = authenticateContext(c, verifier, true);
        token = outcome instanceof Promise ? await outcome : outcome;
      } catch (error) {
        return handOn(error, mode);
      }
      setContext(c, { verifier, token, handleErrors: mode });
      authenticatedHere = true;
    }
    try {
      verifier.requireScopes(token, requirement);
    } catch (error) {
      return handOn(error, mode);
    }
    await next();
    if (authenticatedHere) sendResponseHeaders(c, token);
  };
}

/**
 * Lets the request through only when its token grants the scopes: every one by default, or at least
 * one with `{ match: "any" }`. Otherwise 403 `insufficient_scope` with `scope="…"` in the challenge.
 * Without a `bearerAuth()` before it on the request, it authenticates with `options.verifier` itself
 * (and fails with a 500 configuration error when there is none). Scopes are checked now: a bad one
 * throws a `TypeError`.
 */
export function requireScopes<E extends Env = AuthEnv>(
  scopes: readonly string[],
  options?: AdapterRequireScopesOptions,
): MiddlewareHandler<E & AuthEnv> {
  return scopeMiddleware<E>("requireScopes()", resolveScopeOptions(scopes, options));
}

/** `requireScopes([scope], options)`: the token must grant `scope`. */
export function requireScope<E extends Env = AuthEnv>(
  scope: string,
  options?: Omit<AdapterRequireScopesOptions, "match">,
): MiddlewareHandler<E & AuthEnv> {
  return scopeMiddleware<E>("requireScope()", resolveSingleScopeOptions(scope, options));
}
