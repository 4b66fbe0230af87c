import type { JwtClaims, TokenConfirmation } from "../base/types.js";
import { InvalidTokenError } from "../http/errors.js";

/** Longest thumbprint accepted in `cnf` (a SHA-256 thumbprint is 43 base64url characters). */
const MAX_THUMBPRINT_LENGTH = 128;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** The confirmation members scopegate checks, and the binding each one means. */
const METHODS = { jkt: "dpop", "x5t#S256": "mtls" } as const satisfies Record<
  string,
  TokenConfirmation["method"]
>;

function thumbprintOf(value: unknown): string {
  if (typeof value !== "string" || value.length > MAX_THUMBPRINT_LENGTH || !BASE64URL.test(value)) {
    throw new InvalidTokenError("ERR_TOKEN_CLAIM_INVALID");
  }
  return value;
}

/**
 * What the token's `cnf` claim (RFC 7800) binds it to: `null` when it has none (or an empty one),
 * `{ method: "dpop", thumbprint }` for `cnf.jkt` (RFC 9449), `{ method: "mtls", thumbprint }` for
 * `cnf["x5t#S256"]` (RFC 8705). Fails closed: a `cnf` that is not an object, a thumbprint that is not
 * base64url, two methods at once, or only methods scopegate cannot check (`jwk`, `kid`, …) throw
 * `InvalidTokenError`, so a binding is never silently ignored.
 */
export function readTokenBinding(claims: Readonly<JwtClaims>): TokenConfirmation | null {
  const cnf = claims.cnf;
  if (cnf === undefined) return null;
  if (typeof cnf !== "object" || cnf === null || Array.isArray(cnf)) {
    throw new InvalidTokenError("ERR_TOKEN_CLAIM_INVALID");
  }
  const members = Object.keys(cnf);
  if (members.length === 0) return null;
  if (members.length > 1) throw new InvalidTokenError("ERR_TOKEN_BINDING_UNSUPPORTED");
  const member = members[0] as string;
  const method = Object.hasOwn(METHODS, member) ? METHODS[member as keyof typeof METHODS] : undefined;
  if (method === undefined) throw new InvalidTokenError("ERR_TOKEN_BINDING_UNSUPPORTED");
  const thumbprint = thumbprintOf((cnf as Record<string, unknown>)[member]);
  return Object.freeze({ method, thumbprint });
}
