/**
 * RFC 6750 §3 `WWW-Authenticate` challenges.
 *
 * Attribute values are quoted-strings (RFC 9110 §5.6.4). Everything that reaches a header is first
 * reduced to printable ASCII without `"` or `\`, so no input can split or forge a header.
 */

export interface ChallengeParams {
  /** Protection space. */
  realm: string;
  /** RFC 6750 error code; absent on the bare challenge sent when no credentials came. */
  error?: string | undefined;
  /** Human-readable, fixed text. */
  errorDescription?: string | undefined;
  /** Space-delimited scopes the resource needs (insufficient_scope). */
  scope?: string | undefined;
  /** RFC 9728 §5.1: the URL of the resource's protected resource metadata. */
  resourceMetadata?: string | undefined;
}

/** Reduces a value to characters that are safe inside a quoted-string: printable ASCII minus `"` and `\`. */
export function toQuotedStringSafe(value: string): string {
  return value.replace(/[^\x20-\x7e]|["\\]/g, "");
}

/** The authentication schemes a challenge names. */
export type ChallengeScheme = "Bearer" | "DPoP";

function attributes(params: ChallengeParams): string {
  const parts = [`realm="${toQuotedStringSafe(params.realm)}"`];
  if (params.error) parts.push(`error="${toQuotedStringSafe(params.error)}"`);
  if (params.errorDescription)
    parts.push(`error_description="${toQuotedStringSafe(params.errorDescription)}"`);
  if (params.scope) parts.push(`scope="${toQuotedStringSafe(params.scope)}"`);
  if (params.resourceMetadata)
    parts.push(`resource_metadata="${toQuotedStringSafe(params.resourceMetadata)}"`);
  return parts.join(", ");
}

/** The attributes of a challenge that carries no error: the realm and the metadata URL. */
function bareAttributes(params: ChallengeParams): string {
  return attributes({ realm: params.realm, resourceMetadata: params.resourceMetadata });
}

/**
 * Formats a `Bearer` challenge: `Bearer realm="api", error="invalid_token", error_description="…"`,
 * then `scope="…"` and `resource_metadata="…"` when given (the order the MCP SDK uses too).
 */
export function formatChallenge(params: ChallengeParams): string {
  return `Bearer ${attributes(params)}`;
}

/** Which schemes a verifier's challenges offer. */
export interface ChallengeSchemes {
  /** Offer `Bearer` (RFC 6750). False when only DPoP-bound tokens are accepted. */
  readonly bearer: boolean;
  /** The `algs` of the `DPoP` challenge (RFC 9449 §7.1); `null` when the DPoP scheme is not accepted. */
  readonly dpopAlgs: readonly string[] | null;
}

/** The challenges of a verifier that takes bearer tokens only (scopegate's errors start with these). */
export const BEARER_ONLY: ChallengeSchemes = Object.freeze({ bearer: true, dpopAlgs: null });

/**
 * Formats every challenge `schemes` offers, as one `WWW-Authenticate` value (RFC 9110 §11.6.1 allows
 * several challenges in one field). The challenge of `errorScheme` comes first and carries the error
 * attributes of `params`; the others only the realm and `resource_metadata` (and DPoP its `algs`). A `DPoP` error is
 * answered with a `DPoP` challenge even by a verifier whose schemes do not list it.
 */
export function formatChallenges(
  schemes: ChallengeSchemes,
  errorScheme: ChallengeScheme,
  params: ChallengeParams,
): string {
  const algs = schemes.dpopAlgs === null ? "" : `, algs="${toQuotedStringSafe(schemes.dpopAlgs.join(" "))}"`;
  const bare = bareAttributes(params);
  const dpop = (withError: boolean) => `DPoP ${withError ? attributes(params) : bare}${algs}`;
  if (errorScheme === "DPoP") {
    return schemes.bearer ? `${dpop(true)}, Bearer ${bare}` : dpop(true);
  }
  const bearer = `Bearer ${attributes(params)}`;
  if (schemes.dpopAlgs === null) return bearer;
  return schemes.bearer ? `${bearer}, ${dpop(false)}` : dpop(true);
}
