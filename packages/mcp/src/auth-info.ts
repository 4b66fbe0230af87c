import type { AuthInfo } from "@modelcontextprotocol/server";
import type { VerifiedToken } from "@scopegate/core";

/** What {@link toAuthInfo} adds besides the token: the verifier's resource and metadata URL. */
export interface AuthInfoContext {
  /** The verifier's canonical resource identifier (`verifier.options.resource`). */
  readonly resource: string | null;
  /** Where the resource's RFC 9728 metadata is (`verifier.options.resourceMetadataUrl`). */
  readonly resourceMetadataUrl: string | null;
}

/** `AuthInfo.extra` as scopegate fills it. */
export interface ScopegateAuthExtra {
  /** `sub`, when the token has one. */
  subject: string | undefined;
  /** `iss`: one of the verifier's issuers. */
  issuer: string;
  /** Every claim of the verified token. */
  claims: VerifiedToken["claims"];
  [key: string]: unknown;
}

/**
 * The MCP SDK's `AuthInfo` for a token scopegate verified: `token`, `clientId` (the verifier's
 * client claim, else `sub`, else `""`), `scopes`, `expiresAt` (always: `exp`, in seconds),
 * `resource` (the resource the token's audience matched, when the verifier has one),
 * `resourceMetadataUrl`, and `extra` with the subject, the issuer and every claim.
 */
export function toAuthInfo(token: VerifiedToken, context: AuthInfoContext): AuthInfo {
  const extra: ScopegateAuthExtra = { subject: token.subject, issuer: token.issuer, claims: token.claims };
  const info: AuthInfo = {
    token: token.token,
    clientId: token.clientId ?? token.subject ?? "",
    scopes: [...token.scopes],
    expiresAt: Math.floor(token.expiresAt.getTime() / 1000),
    extra,
  };
  if (context.resource !== null) info.resource = new URL(context.resource);
  if (context.resourceMetadataUrl !== null) info.resourceMetadataUrl = context.resourceMetadataUrl;
  return info;
}
