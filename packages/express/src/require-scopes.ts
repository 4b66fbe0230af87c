import {
  type AdapterRequireScopesOptions,
  authenticateThen,
  type HandleErrors,
  type ResolvedScopeOptions,
  resolveScopeOptions,
  resolveSingleScopeOptions,
  ScopegateConfigurationError,
  type VerifiedToken,
  type Verifier,
} from "@scopegate/core";
import type { NextFunction, Request, Response } from "express";
import { getContext, type ScopegateMiddleware, setContext } from "./context.js";
import { handOn } from "./errors.js";

function scopeMiddleware(where: string, { requirement, ...own }: ResolvedScopeOptions): ScopegateMiddleware {
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
    const verifier = own.verifier ?? context?.verifier;
    if (!verifier) {
      next(new ScopegateConfigurationError(where));
      return;
    }
    authenticateThen(
      verifier,
      req,
      true,
      (token) => {
        setContext(req, { verifier, token, handleErrors: mode });
        check(verifier, token);
      },
      (error: unknown) => handOn(error, req, res, next, mode),
    );
  };
}

/**
 * Lets the request through only when its token grants the scopes: every one by default, or at least
 * one with `{ match: "any" }`. Otherwise 403 `insufficient_scope` with `scope="…"` in the challenge.
 * Without a `bearerAuth()` before it on the request, it authenticates with `options.verifier` itself
 * (and fails with a 500 configuration error when there is none). Scopes are checked now: a bad one
 * throws a `TypeError`.
 */
export function requireScopes(
  scopes: readonly string[],
  options?: AdapterRequireScopesOptions,
): ScopegateMiddleware {
  return scopeMiddleware("requireScopes()", resolveScopeOptions(scopes, options));
}

/** `requireScopes([scope], options)`: the token must grant `scope`. */
export function requireScope(
  scope: string,
  options?: Omit<AdapterRequireScopesOptions, "match">,
): ScopegateMiddleware {
  return scopeMiddleware("requireScope()", resolveSingleScopeOptions(scope, options));
}
