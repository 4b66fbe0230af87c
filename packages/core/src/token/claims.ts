import { isSameResource } from "../base/resource.js";
import type { JwtClaims, JwtHeader } from "../base/types.js";
import type { InvalidTokenCode } from "../http/error-codes.js";
import { InvalidTokenError } from "../http/errors.js";
import { type ScopeClaim, scopeClaimValue } from "./scopes.js";

/** How the JOSE `typ` header is checked. */
export type TokenTypeMode =
  /** `at+jwt`, `application/at+jwt`, `JWT` or no `typ` at all. */
  | "lenient"
  /** RFC 9068: `typ` must be `at+jwt` (or `application/at+jwt`) and `iss`, `exp`, `aud`, `sub`, `client_id`, `iat`, `jti` must be present. */
  | "strict";

/**
 * What the claim checks read: the verifier's resolved options satisfy it (they are built from it in
 * options/, above this folder).
 */
export interface ClaimCheckOptions {
  readonly issuers: readonly string[];
  readonly audiences: readonly string[] | null;
  readonly clockToleranceSec: number;
  readonly maxTokenAgeSec: number | null;
  readonly tokenType: TokenTypeMode;
  readonly requiredClaims: readonly string[];
  readonly scopeClaims: readonly ScopeClaim[];
  readonly allowedClientIds: ReadonlySet<string> | null;
  readonly clientIdClaims: readonly string[];
  /**
   * The canonical resource identifier, when it is one of `audiences`: an `aud` that names it in
   * another spelling (scheme or host case, default port, one trailing slash) is accepted too.
   */
  readonly resourceAudience?: string | null;
}

const LENIENT_TYPES = new Set(["at+jwt", "application/at+jwt", "jwt", "application/jwt"]);
const STRICT_TYPES = new Set(["at+jwt", "application/at+jwt"]);
const RFC9068_CLAIMS = ["iss", "exp", "aud", "sub", "client_id", "iat", "jti"] as const;

const reject = (code: InvalidTokenCode): never => {
  throw new InvalidTokenError(code);
};

/** Registered claims `sub`, `jti`, `client_id` and `azp` must be strings when present. */
const isOptionalString = (value: unknown): boolean => value === undefined || typeof value === "string";

/** The latest time an ECMAScript Date can hold (ECMA-262 §21.4.1.1), in seconds. */
const MAX_NUMERIC_DATE_SEC = 8.64e12;

/** A NumericDate (RFC 7519 §2): a finite, non-negative number no later than a Date can hold. */
function numericDate(claims: JwtClaims, name: "exp" | "nbf" | "iat"): number | undefined {
  const value = claims[name];
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0 || value > MAX_NUMERIC_DATE_SEC) {
    return reject("ERR_TOKEN_CLAIM_INVALID");
  }
  return value;
}

/** Checks the `typ` header against the configured mode. */
export function checkTokenType(header: Readonly<JwtHeader>, mode: ClaimCheckOptions["tokenType"]): void {
  const typ = header.typ;
  if (typ === undefined) {
    if (mode === "strict") reject("ERR_TOKEN_TYPE");
    return;
  }
  if (typeof typ !== "string") {
    reject("ERR_TOKEN_TYPE");
    return;
  }
  const allowed = mode === "strict" ? STRICT_TYPES : LENIENT_TYPES;
  if (!allowed.has(typ.toLowerCase())) reject("ERR_TOKEN_TYPE");
}

/** True when `iss` is one of the configured issuers (exact, case-sensitive comparison). */
export function isAllowedIssuer(iss: unknown, issuers: readonly string[]): iss is string {
  return typeof iss === "string" && issuers.includes(iss);
}

/** The issuer step: before any key is fetched, `iss` must be a configured issuer. Returns it. */
export function checkIssuer(claims: Readonly<JwtClaims>, issuers: readonly string[]): string {
  if (!isAllowedIssuer(claims.iss, issuers)) reject("ERR_TOKEN_ISSUER");
  return claims.iss as string;
}

/**
 * Checks registered claims of a token whose signature has been verified. `nowSec` is the current
 * time in seconds. Throws `InvalidTokenError` with the code of the first failed check.
 */
export function checkClaims(claims: Readonly<JwtClaims>, options: ClaimCheckOptions, nowSec: number): void {
  if (!isAllowedIssuer(claims.iss, options.issuers)) reject("ERR_TOKEN_ISSUER");
  for (const name of options.clientIdClaims) {
    if (claims[name] !== undefined && typeof claims[name] !== "string") reject("ERR_TOKEN_CLAIM_INVALID");
  }
  // Read by name, which costs less than by a variable name (`iss` is already one of the issuers).
  if (
    !isOptionalString(claims.sub) ||
    !isOptionalString(claims.jti) ||
    !isOptionalString(claims.client_id) ||
    !isOptionalString(claims.azp)
  ) {
    reject("ERR_TOKEN_CLAIM_INVALID");
  }

  const exp = numericDate(claims, "exp");
  if (exp === undefined) reject("ERR_TOKEN_CLAIM_MISSING");
  const nbf = numericDate(claims, "nbf");
  const iat = numericDate(claims, "iat");

  if (options.tokenType === "strict") {
    for (const name of RFC9068_CLAIMS) if (claims[name] === undefined) reject("ERR_TOKEN_CLAIM_MISSING");
  }
  for (const name of options.requiredClaims)
    if (claims[name] === undefined) reject("ERR_TOKEN_CLAIM_MISSING");

  checkTimes(exp as number, nbf, iat, options, nowSec);

  if (options.audiences !== null)
    checkAudience(claims.aud, options.audiences, options.resourceAudience ?? null);

  for (const claim of options.scopeClaims) {
    const value = scopeClaimValue(claims, claim);
    if (value === undefined) continue;
    const ok =
      typeof value === "string" || (Array.isArray(value) && value.every((v) => typeof v === "string"));
    if (!ok) reject("ERR_TOKEN_CLAIM_INVALID");
  }

  if (options.allowedClientIds !== null) {
    const client = clientIdOf(claims, options.clientIdClaims);
    if (typeof client !== "string" || !options.allowedClientIds.has(client)) reject("ERR_TOKEN_CLIENT");
  }
}

/** `exp`, `nbf`, `iat` and `maxTokenAgeSec` against the clock, in {@link checkClaims}' order. */
function checkTimes(
  exp: number,
  nbf: number | undefined,
  iat: number | undefined,
  options: ClaimCheckOptions,
  nowSec: number,
): void {
  const tolerance = options.clockToleranceSec;
  if (nowSec - tolerance >= exp) reject("ERR_TOKEN_EXPIRED");
  if (nbf !== undefined && nowSec + tolerance < nbf) reject("ERR_TOKEN_NOT_YET_VALID");
  if (iat !== undefined && nowSec + tolerance < iat) reject("ERR_TOKEN_ISSUED_IN_FUTURE");
  if (options.maxTokenAgeSec !== null) {
    if (iat === undefined) reject("ERR_TOKEN_CLAIM_MISSING");
    if (nowSec - (iat as number) > options.maxTokenAgeSec + tolerance) reject("ERR_TOKEN_TOO_OLD");
  }
}

/**
 * Only the checks of {@link checkClaims} that the clock can change (`exp`, `nbf`, `iat`,
 * `maxTokenAgeSec`), for claims that passed {@link checkClaims} before under the same options and
 * cannot have changed since (a cached token's claims are frozen deeply): the same verdicts as
 * {@link checkClaims} gives them now. Throws `InvalidTokenError` with the code of the first failure.
 */
export function checkClaimTimes(
  claims: Readonly<JwtClaims>,
  options: ClaimCheckOptions,
  nowSec: number,
): void {
  const exp = numericDate(claims, "exp");
  if (exp === undefined) reject("ERR_TOKEN_CLAIM_MISSING");
  checkTimes(exp as number, numericDate(claims, "nbf"), numericDate(claims, "iat"), options, nowSec);
}

/** One `aud` entry names an accepted audience: exactly, or as another spelling of the resource. */
function isAccepted(entry: unknown, audiences: readonly string[], resource: string | null): boolean {
  if (typeof entry !== "string") return false;
  return audiences.includes(entry) || (resource !== null && isSameResource(entry, resource));
}

/** `aud` (a string or a non-empty array) must name one of `audiences`. */
function checkAudience(aud: unknown, audiences: readonly string[], resource: string | null): void {
  if (typeof aud === "string") {
    if (!isAccepted(aud, audiences, resource)) reject("ERR_TOKEN_AUDIENCE");
    return;
  }
  if (!Array.isArray(aud) || aud.length === 0) {
    reject(aud === undefined ? "ERR_TOKEN_AUDIENCE" : "ERR_TOKEN_CLAIM_INVALID");
  }
  for (const entry of aud as unknown[]) if (isAccepted(entry, audiences, resource)) return;
  reject("ERR_TOKEN_AUDIENCE");
}

/** The calling client: the first of `claimNames` present in the claims (checked to be a string). */
export function clientIdOf(claims: Readonly<JwtClaims>, claimNames: readonly string[]): string | undefined {
  for (const name of claimNames) {
    const value = claims[name];
    if (typeof value === "string") return value;
  }
  return undefined;
}
