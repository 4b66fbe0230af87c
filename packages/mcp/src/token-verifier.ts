import { OAuthError, OAuthErrorCode, type OAuthTokenVerifier } from "@modelcontextprotocol/server";
import { isBearerError, type Verifier } from "@scopegate/core";
import { toAuthInfo } from "./auth-info.js";

/** An `OAuthTokenVerifier` backed by a scopegate verifier. */
export interface ScopegateTokenVerifier extends OAuthTokenVerifier {
  /** The scopegate verifier behind it. */
  readonly verifier: Verifier;
}

/**
 * An `OAuthTokenVerifier` for the MCP SDK's own bearer-auth helpers (`requireBearerAuth` from
 * `@modelcontextprotocol/express` or `@modelcontextprotocol/server`): every check of the scopegate
 * verifier (signature against the issuer's JWKS, `iss`, `aud` = this resource, `exp`, …), and the
 * SDK's `AuthInfo` with `expiresAt` always set.
 *
 * A rejected token throws `OAuthError` `invalid_token` with scopegate's fixed description (the SDK
 * answers 401). Keys that cannot be had throw `OAuthError` `server_error`, which the SDK answers with
 * a 500: prefer `mcpBearerAuth()` or `mcpFetchAuth()`, which answer 503 with `Retry-After`.
 */
export function createTokenVerifier(verifier: Verifier): ScopegateTokenVerifier {
  const { options } = verifier;
  return {
    verifier,
    async verifyAccessToken(token: string) {
      try {
        return toAuthInfo(await verifier.verify(token), options);
      } catch (error) {
        if (!isBearerError(error)) throw error;
        const code = error.status === 503 ? OAuthErrorCode.ServerError : OAuthErrorCode.InvalidToken;
        throw new OAuthError(code, error.description);
      }
    },
  };
}
