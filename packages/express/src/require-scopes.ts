import type { ScopeRequirement, VerifiedToken, Verifier } from "@scopegate/core";
import type { NextFunction, Request, Response } from "express";
import {
  type AuthContext,
  getContext,
  requestView,
  type ScopegateMiddleware,
  setContext,
} from "./context.js";
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

function scopeMiddleware(
  where: string,
  requirement: ScopeRequirement,
  own: ScopeOptions,
): ScopegateMiddleware {
  return function scopegateRequireScopes(req: Request, res: Response, next: NextFunction): void {
    const context = getContext(req);
    const usable = context && (own.verifier === undefined || own.verifier === context.verifier);
    const mode: HandleErrors = own.handleErrors ?? context?.handleErrors ?? "fallback";
    const check = (verifier: Verifier, token: VerifiedToken): void => {
      try {
        verifier.requireScopes(token, requirement);
      } catch (error) {
        handOn(error, req, res, next, mode);
        return;
      }
      next();
    };
    if (usable && context.token) {
      check(context.verifier, context.token);
      return;
    }
    // Anonymous so far (credentialsRequired: false), or no bearerAuth() before: authenticate here.
    const verifier = own.verifier ?? (context as AuthContext | undefined)?.verifier;
    if (!verifier) {
      next(new ScopegateConfigurationError(where));
      return;
    }
    verifier.authenticate(requestView(req)).then(
      (token) => {
        setContext(req, { verifier, token, handleErrors: mode });
        check(verifier, token);
      },
      (error: unknown) => handOn(error, req, res, next, mode),
    );
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
export function requireScopes(
  scopes: readonly string[],
  options?: RequireScopesOptions,
): ScopegateMiddleware {
  const { requirement, verifier, handleErrors } = resolveScopes("requireScopes()", scopes, options);
  return scopeMiddleware("requireScopes()", requirement, { verifier, handleErrors });
}

/** `requireScopes([scope], options)`: the token must grant `scope`. */
export function requireScope(
  scope: string,
  options?: Omit<RequireScopesOptions, "match">,
): ScopegateMiddleware {
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
