import type { ScopeRequirement, VerifiedToken, Verifier } from "@scopegate/core";
import type { Middleware } from "koa";
import { type AuthContext, getContext, requestView, setContext } from "./context.js";
import { handOn } from "./errors.js";
import { type HandleErrors, type RequireScopesOptions, resolveScopes } from "./options.js";

/** Thrown (as a 500) when a scope middleware has no verifier to authenticate with. */
export class ScopegateConfigurationError extends Error {
  readonly code = "ERR_NO_AUTHENTICATION";
  readonly status = 500;
  readonly statusCode = 500;
  readonly expose = false;
  constructor(where: string) {
    super(
      `scopegate: ${where} ran on a request that no bearerAuth() authenticated, and has no verifier of its own: ` +
        "mount bearerAuth() before it, or pass { verifier }.",
    );
    this.name = "ScopegateConfigurationError";
  }
}

function scopeMiddleware(where: string, requirement: ScopeRequirement, own: ScopeOptions): Middleware {
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
      const chosen = own.verifier ?? (context as AuthContext | undefined)?.verifier;
      if (!chosen) throw new ScopegateConfigurationError(where);
      verifier = chosen;
      try {
        token = await verifier.authenticate(requestView(ctx));
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

type ScopeOptions = { verifier: Verifier | undefined; handleErrors: HandleErrors | undefined };

/**
 * Lets the request through only when its token grants the scopes: every one by default, or at least
 * one with `{ match: "any" }`. Otherwise 403 `insufficient_scope` with `scope="…"` in the challenge.
 * Without a `bearerAuth()` before it on the request, it authenticates with `options.verifier` itself
 * (and fails with a 500 configuration error when there is none). Scopes are checked now: a bad one
 * throws a `TypeError`.
 */
export function requireScopes(scopes: readonly string[], options?: RequireScopesOptions): Middleware {
  const { requirement, verifier, handleErrors } = resolveScopes("requireScopes()", scopes, options);
  return scopeMiddleware("requireScopes()", requirement, { verifier, handleErrors });
}

/** `requireScopes([scope], options)`: the token must grant `scope`. */
export function requireScope(scope: string, options?: Omit<RequireScopesOptions, "match">): Middleware {
  if (typeof scope !== "string") {
    throw new TypeError(
      "scopegate: requireScope() expects one scope as a string; use requireScopes() for several.",
    );
  }
  const { requirement, verifier, handleErrors } = resolveScopes("requireScope()", [scope], {
    ...options,
    match: "all",
  });
  return scopeMiddleware("requireScope()", requirement, { verifier, handleErrors });
}
