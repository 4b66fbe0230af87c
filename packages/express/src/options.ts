import {
  checkScopeRequirement,
  createVerifier,
  type ScopeRequirement,
  type Verifier,
  type VerifierOptions,
} from "@scopegate/core";

/**
 * Who answers a failed request (400, 401, 403 or 503).
 *
 * - `"fallback"`: the error goes to `next(err)`, so your error handlers see it first; if none of them
 *   answers, scopegate's own handler (added once, at the end of the app) answers with the RFC 6750
 *   response instead of Express's HTML error page.
 * - `"always"`: the middleware answers at once; your error handlers never see the error.
 * - `"never"`: the error goes to `next(err)` and nothing else: without an error handler of yours,
 *   Express's default handler answers (HTML page, with the error's status and headers).
 */
export type HandleErrors = "fallback" | "always" | "never";

/** Options of the middleware itself (the same in every scopegate adapter). */
export interface AuthOptions {
  /**
   * When `false`, a request without any bearer credentials passes as anonymous (`req.auth` stays
   * `undefined`); a malformed, duplicated or invalid token still fails. Default: `true`.
   */
  credentialsRequired?: boolean;
  /** Who answers a failure; see {@link HandleErrors}. Default: `"fallback"`. */
  handleErrors?: HandleErrors;
}

/** `bearerAuth()` options: everything `createVerifier()` takes, plus {@link AuthOptions}. */
export type BearerAuthOptions = VerifierOptions & AuthOptions;

/** Options of `requireScopes()` and `requireScope()`. */
export interface RequireScopesOptions {
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

export interface ResolvedAuth {
  verifier: Verifier;
  credentialsRequired: boolean;
  handleErrors: HandleErrors;
}

export interface ResolvedScopes {
  requirement: ScopeRequirement;
  verifier: Verifier | undefined;
  handleErrors: HandleErrors | undefined;
}

const HANDLE_ERRORS: readonly HandleErrors[] = ["fallback", "always", "never"];

const fail = (option: string, fix: string): never => {
  throw new TypeError(`scopegate: invalid option \`${option}\`: ${fix}`);
};

/** True for an object made by `createVerifier()` (or one shaped like it). */
export function isVerifier(value: unknown): value is Verifier {
  if (typeof value !== "object" || value === null) return false;
  const candidate = value as Partial<Record<keyof Verifier, unknown>>;
  return typeof candidate.authenticate === "function" && typeof candidate.requireScopes === "function";
}

function checkKeys(where: string, value: object, allowed: readonly string[]): void {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) {
      throw new TypeError(`scopegate: ${where} has no option \`${key}\`; it takes ${allowed.join(", ")}.`);
    }
  }
}

function checkHandleErrors(value: unknown): HandleErrors | undefined {
  if (value === undefined || HANDLE_ERRORS.includes(value as HandleErrors)) return value as HandleErrors;
  return fail("handleErrors", `expected "fallback", "always" or "never"; got ${JSON.stringify(value)}.`);
}

function checkAuthOptions(options: AuthOptions): Omit<ResolvedAuth, "verifier"> {
  const { credentialsRequired = true } = options;
  if (typeof credentialsRequired !== "boolean") fail("credentialsRequired", "expected true or false.");
  return { credentialsRequired, handleErrors: checkHandleErrors(options.handleErrors) ?? "fallback" };
}

/** `bearerAuth(options)` or `bearerAuth(verifier, options?)`: validates and builds the verifier. */
export function resolveBearerAuth(first: unknown, second: unknown): ResolvedAuth {
  if (isVerifier(first)) {
    if (second === undefined) return { verifier: first, ...checkAuthOptions({}) };
    if (typeof second !== "object" || second === null) fail("options", "pass an options object.");
    checkKeys("bearerAuth(verifier, options)", second as object, ["credentialsRequired", "handleErrors"]);
    return { verifier: first, ...checkAuthOptions(second as AuthOptions) };
  }
  if (typeof first !== "object" || first === null) {
    throw new TypeError(
      "scopegate: bearerAuth() needs options ({ issuer, audience, ... }) or a verifier made by createVerifier().",
    );
  }
  if (second !== undefined) {
    throw new TypeError(
      "scopegate: bearerAuth(options) takes one argument: put credentialsRequired and handleErrors in the options object.",
    );
  }
  const { credentialsRequired, handleErrors, ...verifierOptions } = first as BearerAuthOptions;
  const own = checkAuthOptions({ credentialsRequired, handleErrors });
  return { verifier: createVerifier(verifierOptions), ...own };
}

/** `requireScopes(scopes, options?)`: validates the scopes and options at set-up. */
export function resolveScopes(where: string, scopes: unknown, options: unknown): ResolvedScopes {
  if (!Array.isArray(scopes)) {
    throw new TypeError(`scopegate: ${where} expects an array of scopes, e.g. ["event.read"].`);
  }
  const given = options ?? {};
  if (typeof given !== "object" || given === null) return fail("options", "pass an options object.");
  checkKeys(where, given, ["match", "verifier", "handleErrors"]);
  const { match = "all", verifier, handleErrors } = given as RequireScopesOptions;
  if (match !== "all" && match !== "any")
    fail("match", `expected "all" or "any"; got ${JSON.stringify(match)}.`);
  if (verifier !== undefined && !isVerifier(verifier))
    fail("verifier", "pass a verifier made by createVerifier().");
  const requirement: ScopeRequirement = match === "any" ? { anyOf: [...scopes] } : { allOf: [...scopes] };
  checkScopeRequirement(requirement);
  return { requirement, verifier, handleErrors: checkHandleErrors(handleErrors) };
}
