import { type AuthenticatingVerifier, authenticateNow } from "./authenticate-now.js";
import { optionKeys, refuseUnknownKeys } from "./base/option-keys.js";
import type { HeadersLike, RequestLike, VerifiedToken } from "./base/types.js";
import { refuseUnknownVerifierKeys, type VerifierOptions } from "./options/verifier-options.js";
import { checkScopeRequirement, type ScopeRequirement } from "./token/scopes.js";
import { createVerifier, type Verifier } from "./verifier.js";

/**
 * Who answers a failed request (400, 401, 403 or 503).
 *
 * - `"fallback"`: the error goes to your error handling first (Express: `next(err)`; Koa: thrown to
 *   your error middleware); if none of it answers, scopegate answers with the RFC 6750 response
 *   instead of the framework's default page (Express's HTML, Koa's plain text).
 * - `"always"`: the middleware answers at once; your error handling never sees the error.
 * - `"never"`: the error is handed on and nothing else: without error handling of yours, the
 *   framework's default answers (with the error's status and headers).
 */
export type HandleErrors = "fallback" | "always" | "never";

/** Options of the adapter's authentication itself (the same in every scopegate adapter). */
export interface AuthOptions {
  /**
   * When `false`, a request without any bearer credentials passes as anonymous (`req.auth`,
   * `ctx.state.auth`, `@Auth()` stay `undefined`); a malformed, duplicated or invalid token still
   * fails. Default: `true`.
   */
  credentialsRequired?: boolean;
  /** Who answers a failure; see {@link HandleErrors}. Not used by NestJS (its exception filter answers). Default: `"fallback"`. */
  handleErrors?: HandleErrors;
}

/** `bearerAuth()` options: everything `createVerifier()` takes, plus {@link AuthOptions}. */
export type BearerAuthOptions = VerifierOptions & AuthOptions;

/** Options of an adapter's `requireScopes()` and `requireScope()`. */
export interface AdapterRequireScopesOptions {
  /** Whether the token needs every listed scope (`"all"`) or at least one (`"any"`). Default: `"all"`. */
  match?: "all" | "any";
  /**
   * The verifier to authenticate with when no `bearerAuth()` ran before on the request (or when the
   * route must be checked with a different verifier than the one that did). Default: the verifier of
   * the `bearerAuth()` that ran before; with neither, the request fails with a 500 configuration error.
   */
  verifier?: Verifier;
  /** Who answers a failure; see {@link HandleErrors}. Default: the preceding `bearerAuth()`'s, else `"fallback"`. */
  handleErrors?: HandleErrors;
}

/** {@link resolveAuthOptions}'s result: every option given a value. */
export interface ResolvedAuthOptions {
  verifier: Verifier;
  credentialsRequired: boolean;
  handleErrors: HandleErrors;
}

/** {@link resolveScopeOptions}'s result; `undefined` means "the preceding `bearerAuth()`'s". */
export interface ResolvedScopeOptions {
  requirement: ScopeRequirement;
  verifier: Verifier | undefined;
  handleErrors: HandleErrors | undefined;
}

const HANDLE_ERRORS: readonly HandleErrors[] = ["fallback", "always", "never"];
/** Every key of {@link AuthOptions}; others are refused. Add a new option here. */
export const AUTH_OPTION_KEYS = optionKeys<AuthOptions>()(["credentialsRequired", "handleErrors"]);
/** Every key of {@link AdapterRequireScopesOptions}; others are refused. Add a new option here. */
export const SCOPE_OPTION_KEYS = optionKeys<AdapterRequireScopesOptions>()([
  "match",
  "verifier",
  "handleErrors",
]);

const fail = (option: string, fix: string): never => {
  throw new TypeError(`scopegate: invalid option \`${option}\`: ${fix}`);
};

/** True for an object made by `createVerifier()` (or one shaped like it). */
export function isVerifier(value: unknown): value is Verifier {
  if (typeof value !== "object" || value === null) return false;
  const candidate = value as Partial<Record<keyof Verifier, unknown>>;
  return typeof candidate.authenticate === "function" && typeof candidate.requireScopes === "function";
}

function checkHandleErrors(value: unknown): HandleErrors | undefined {
  if (value === undefined || HANDLE_ERRORS.includes(value as HandleErrors)) return value as HandleErrors;
  return fail("handleErrors", `expected "fallback", "always" or "never"; got ${JSON.stringify(value)}.`);
}

function checkAuthOptions({ credentialsRequired = true, handleErrors }: AuthOptions) {
  if (typeof credentialsRequired !== "boolean") fail("credentialsRequired", "expected true or false.");
  return { credentialsRequired, handleErrors: checkHandleErrors(handleErrors) ?? "fallback" };
}

/**
 * `bearerAuth(options)` or `bearerAuth(verifier, options?)`: checks the options and builds the
 * verifier (with `options`, through `createVerifier()`). A bad option throws a `TypeError` naming it.
 */
export function resolveAuthOptions(
  optionsOrVerifier: BearerAuthOptions | Verifier,
  options?: AuthOptions,
): ResolvedAuthOptions {
  const first: unknown = optionsOrVerifier;
  if (isVerifier(first)) {
    if (options === undefined) return { verifier: first, ...checkAuthOptions({}) };
    if (typeof options !== "object" || options === null) return fail("options", "pass an options object.");
    refuseUnknownKeys(options, AUTH_OPTION_KEYS, "bearerAuth(verifier, options)");
    return { verifier: first, ...checkAuthOptions(options) };
  }
  if (typeof first !== "object" || first === null) {
    throw new TypeError(
      "scopegate: bearerAuth() needs options ({ issuer, audience, ... }) or a verifier made by createVerifier().",
    );
  }
  if (options !== undefined) {
    throw new TypeError(
      "scopegate: bearerAuth(options) takes one argument: put credentialsRequired and handleErrors in the options object.",
    );
  }
  refuseUnknownVerifierKeys(first as BearerAuthOptions, "bearerAuth()", AUTH_OPTION_KEYS);
  const { credentialsRequired, handleErrors, ...verifierOptions } = first as BearerAuthOptions;
  const own = checkAuthOptions({ credentialsRequired, handleErrors });
  return { verifier: createVerifier(verifierOptions), ...own };
}

function checkScopeOptions(where: string, scopes: unknown, options: unknown): ResolvedScopeOptions {
  if (!Array.isArray(scopes)) {
    throw new TypeError(`scopegate: ${where} expects an array of scopes, e.g. ["event.read"].`);
  }
  const given = options ?? {};
  if (typeof given !== "object" || given === null) return fail("options", "pass an options object.");
  refuseUnknownKeys(given, SCOPE_OPTION_KEYS, where);
  const { match = "all", verifier, handleErrors } = given as AdapterRequireScopesOptions;
  if (match !== "all" && match !== "any")
    fail("match", `expected "all" or "any"; got ${JSON.stringify(match)}.`);
  if (verifier !== undefined && !isVerifier(verifier))
    fail("verifier", "pass a verifier made by createVerifier().");
  const requirement: ScopeRequirement = match === "any" ? { anyOf: [...scopes] } : { allOf: [...scopes] };
  checkScopeRequirement(requirement);
  return { requirement, verifier, handleErrors: checkHandleErrors(handleErrors) };
}

/**
 * `requireScopes(scopes, options?)`: checks the scopes and options now and builds the requirement
 * (`{ allOf }`, or `{ anyOf }` with `match: "any"`). A bad one throws a `TypeError`.
 */
export function resolveScopeOptions(
  scopes: readonly string[],
  options?: AdapterRequireScopesOptions,
): ResolvedScopeOptions {
  return checkScopeOptions("requireScopes()", scopes, options);
}

/** `requireScope(scope, options?)`: {@link resolveScopeOptions} for exactly one scope, given as a string. */
export function resolveSingleScopeOptions(
  scope: string,
  options?: Omit<AdapterRequireScopesOptions, "match">,
): ResolvedScopeOptions {
  if (typeof scope !== "string") {
    throw new TypeError(
      "scopegate: requireScope() expects one scope as a string; use requireScopes() for several.",
    );
  }
  const given: unknown = options ?? {};
  if (typeof given !== "object" || given === null) return fail("options", "pass an options object.");
  return checkScopeOptions("requireScope()", [scope], { ...given, match: "all" });
}

/**
 * `credentialsRequired: false`: authenticates the request like `verifier.authenticate(request)`, but
 * resolves `undefined` when it carries no bearer credentials at all. A malformed, duplicated or
 * invalid token still rejects.
 */
export async function authenticateOptional(
  verifier: AuthenticatingVerifier,
  request: RequestLike | HeadersLike,
): Promise<VerifiedToken | undefined> {
  return authenticateNow(verifier, request, false);
}

/**
 * What a scope middleware passes on (a 500, never shown) when it runs on a request no `bearerAuth()`
 * authenticated and has no `verifier` of its own: a wiring mistake, and the request fails closed.
 */
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
