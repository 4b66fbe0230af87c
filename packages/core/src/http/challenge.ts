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

/**
 * Formats a `Bearer` challenge: `Bearer realm="api", error="invalid_token", error_description="…"`,
 * then `scope="…"` and `resource_metadata="…"` when given (the order the MCP SDK uses too).
 */
export function formatChallenge(params: ChallengeParams): string {
  const parts = [`realm="${toQuotedStringSafe(params.realm)}"`];
  if (params.error) parts.push(`error="${toQuotedStringSafe(params.error)}"`);
  if (params.errorDescription)
    parts.push(`error_description="${toQuotedStringSafe(params.errorDescription)}"`);
  if (params.scope) parts.push(`scope="${toQuotedStringSafe(params.scope)}"`);
  if (params.resourceMetadata)
    parts.push(`resource_metadata="${toQuotedStringSafe(params.resourceMetadata)}"`);
  return `Bearer ${parts.join(", ")}`;
}
