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
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from "fastify";
import { getContext, requestOf, type ScopegateHook, setContext } from "./context.js";
import { handOn } from "./errors.js";

/** The hook behind `requireScope(s)` and `config: { scopes }`. */
export function scopeHook(where: string, { requirement, ...own }: ResolvedScopeOptions): ScopegateHook {
  return function scopegateRequireScopes(
    request: FastifyRequest,
    reply: FastifyReply,
    done: HookHandlerDoneFunction,
  ): void {
    const context = getContext(request);
    const usable = context && (own.verifier === undefined || own.verifier === context.verifier);
    const mode: HandleErrors = own.handleErrors ?? context?.handleErrors ?? "fallback";
    const check = (verifier: Verifier, token: VerifiedToken): void => {
      try {
        verifier.requireScopes(token, requirement);
      } catch (error) {
        handOn(error, request, reply, done, mode);
        return;
      }
      done();
    };
    if (usable && context.token) {
      check(context.verifier, context.token);
      return;
    }
    // Anonymous so far (credentialsRequired: false), or not in the plugin's scope: authenticate here.
    const verifier = own.verifier ?? context?.verifier;
    if (!verifier) {
      done(new ScopegateConfigurationError(where));
      return;
    }
    authenticateThen(
      verifier,
      requestOf(request),
      true,
      (token) => {
        setContext(request, reply, { verifier, token, handleErrors: mode });
        check(verifier, token);
      },
      (error: unknown) => handOn(error, request, reply, done, mode),
    );
  };
}

/**
 * A hook (`preHandler: requireScopes([...])`, or `onRequest`) that lets the request through only when
 * its token grants the scopes: every one by default, or at least one with `{ match: "any" }`.
 * Otherwise 403 `insufficient_scope` with `scope="…"` in the challenge. Outside the plugin's scope it
 * authenticates with `options.verifier` itself (and fails with a 500 configuration error when there
 * is none). Scopes are checked now: a bad one throws a `TypeError`.
 */
export function requireScopes(
  scopes: readonly string[],
  options?: AdapterRequireScopesOptions,
): ScopegateHook {
  return scopeHook("requireScopes()", resolveScopeOptions(scopes, options));
}

/** `requireScopes([scope], options)`: the token must grant `scope`. */
export function requireScope(
  scope: string,
  options?: Omit<AdapterRequireScopesOptions, "match">,
): ScopegateHook {
  return scopeHook("requireScope()", resolveSingleScopeOptions(scope, options));
}
