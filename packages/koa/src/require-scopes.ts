import {
  type AdapterRequireScopesOptions,
  authenticateNow,
  type HandleErrors,
  type ResolvedScopeOptions,
  resolveScopeOptions,
  resolveSingleScopeOptions,
  ScopegateConfigurationError,
  type VerifiedToken,
  type Verifier,
} from "@scopegate/core";
import type { Middleware } from "koa";
import { getContext, setContext } from "./context.js";
import { handOn } from "./errors.js";

function scopeMiddleware(where: string, { requirement, ...own }: ResolvedScopeOptions): Middleware {
  return async function scopegateRequireScopes(ctx, next) {
    const context = getContext(ctx);
    const usable = context && (own.verifier === undefined || own.verifier === context.verifier);
    const mode: HandleErrors = own.handleErrors ?? context?.handleErrors ?? "fallback";
    let verifier: Verifier;
    let token: VerifiedToken;
    if (usable && context.token) {
      verifier = context.verifier;
      token = context.token;
    } else {
      // Anonymous so far (credentialsRequired: false), or no bearerAuth() before: authenticate here.
      const chosen = own.verifier ?? context?.verifier;
      if (!chosen) throw new ScopegateConfigurationError(where);
      verifier = chosen;
      try {
        const outcome = authenticateNow(verifier, ctx.request);
        token = outcome instanceof Promise ? await outcome : outcome;
      } catch (error) {
        return handOn(error, ctx, mode);
      }
      setContext(ctx, { verifier, token, handleErrors: mode });
    }
    try {
      verifier.requireScopes(token, requirement);
    } catch (error) {
      return handOn(error, ctx, mode);
    }
    return next();
  };
}

/**
 * Lets the request through only when its token grants the scopes: every one by default, or at least
 * one with `{ match: "any" }`. Otherwise 403 `insufficient_scope` with `scope="…"` in the challenge.
 * Without a `bearerAuth()` before it on the request, it authenticates with `options.verifier` itself
 * (and fails with a 500 configuration error when there is none). Scopes are checked now: a bad one
 * throws a `TypeError`.
 */
export function requireScopes(scopes: readonly string[], options?: AdapterRequireScopesOptions): Middleware {
  return scopeMiddleware("requireScopes()", resolveScopeOptions(scopes, options));
}

/** `requireScopes([scope], options)`: the token must grant `scope`. */
export function requireScope(
  scope: string,
  options?: Omit<AdapterRequireScopesOptions, "match">,
): Middleware {
  return scopeMiddleware("requireScope()", resolveSingleScopeOptions(scope, options));
}
