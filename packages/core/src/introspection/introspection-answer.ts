import type { JwtClaims, JwtHeader, VerifiedToken } from "../base/types.js";
import { InvalidTokenError } from "../http/errors.js";
import { type ClaimCheckOptions, checkClaims } from "../token/claims.js";
import { toVerifiedToken } from "../token/verified-token.js";
import type { IntrospectionAnswer } from "./introspection-cache.js";

/**
 * The `header` of a {@link VerifiedToken} that was introspected: an opaque token has no JOSE header,
 * and this placeholder says so (`alg` `"none"`: nothing was signed; the authorization server vouched).
 */
export const INTROSPECTED_HEADER: Readonly<JwtHeader> = Object.freeze({ alg: "none", typ: "introspected" });

/** `token_type` values of an access token (RFC 6750 `Bearer`, RFC 9449 `DPoP`), lower-cased. */
const ACCESS_TOKEN_TYPES = new Set(["bearer", "dpop"]);

/**
 * An RFC 7662 answer (already known to have a boolean `active`) as the cache keeps it: inactive, or
 * active with its members as claims (without `active`). A missing `iss` is the issuer that answered;
 * a top-level member that repeats the token is dropped, so the token is never stored.
 */
export function readAnswer(
  body: Readonly<Record<string, unknown>>,
  token: string,
  issuer: string,
): IntrospectionAnswer {
  if (body.active !== true) return { active: false };
  const claims: JwtClaims = {};
  for (const [name, value] of Object.entries(body)) {
    if (name === "active" || value === token) continue;
    claims[name] = value as JwtClaims[string];
  }
  if (claims.iss === undefined) claims.iss = issuer;
  return { active: true, claims };
}

/**
 * The checks an active answer passes on every use, as a JWT's claims would: `token_type` (when
 * present) names an access token, then `iss`, `aud`, `exp` (required), `nbf`, `iat`, client and
 * claim types, against the current time. Throws `InvalidTokenError`.
 */
export function checkIntrospectedClaims(
  claims: Readonly<JwtClaims>,
  options: ClaimCheckOptions,
  nowSec: number,
): void {
  const type = claims.token_type;
  if (type !== undefined && (typeof type !== "string" || !ACCESS_TOKEN_TYPES.has(type.toLowerCase()))) {
    throw new InvalidTokenError("ERR_TOKEN_TYPE");
  }
  // RFC 9068's `typ` and claim set are about JWTs: an answer is checked like a lenient JWT.
  checkClaims(
    claims,
    options.tokenType === "lenient" ? options : { ...options, tokenType: "lenient" },
    nowSec,
  );
}

/** The result of a successful introspection, shaped as a verified JWT's. */
export function toIntrospectedToken(
  token: string,
  claims: Readonly<JwtClaims>,
  options: Pick<ClaimCheckOptions, "scopeClaims" | "clientIdClaims">,
): VerifiedToken {
  // RFC 9449 §6.2 and RFC 8705 §3.2: an introspection answer carries the token's `cnf`, which the
  // result step reads as for a JWT.
  return toVerifiedToken(token, INTROSPECTED_HEADER, claims as JwtClaims, options);
}
