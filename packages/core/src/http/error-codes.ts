/**
 * The stable codes of every failure: their HTTP status, RFC error and fixed description (data only;
 * the error classes are in ./errors.ts).
 */

/**
 * RFC 6750 §3.1 error codes, RFC 9449's `invalid_dpop_proof` and `use_dpop_nonce`, and
 * `temporarily_unavailable` for a 503 when no key (or no replay check) can be had.
 */
export type BearerErrorType =
  | "invalid_request"
  | "invalid_token"
  | "insufficient_scope"
  | "invalid_dpop_proof"
  | "use_dpop_nonce"
  | "temporarily_unavailable";

/**
 * Every stable code a request-time API can throw, with its HTTP status and fixed description.
 * Descriptions never contain request data or another library's message.
 */
export const ERROR_CODES = {
  ERR_NO_CREDENTIALS: { status: 401, error: undefined, description: "Authentication is required" },
  ERR_MALFORMED_AUTHORIZATION: {
    status: 400,
    error: "invalid_request",
    description: "The Authorization header is malformed",
  },
  ERR_MULTIPLE_CREDENTIALS: {
    status: 400,
    error: "invalid_request",
    description: "The request carries more than one access token",
  },
  ERR_EMPTY_TOKEN: { status: 400, error: "invalid_request", description: "The bearer token is empty" },
  ERR_TOKEN_MALFORMED: { status: 401, error: "invalid_token", description: "The access token is malformed" },
  ERR_TOKEN_TOO_LARGE: { status: 401, error: "invalid_token", description: "The access token is too large" },
  ERR_TOKEN_HEADER_UNSUPPORTED: {
    status: 401,
    error: "invalid_token",
    description: "The access token header carries a parameter that is not accepted",
  },
  ERR_TOKEN_ALGORITHM: {
    status: 401,
    error: "invalid_token",
    description: "The access token is signed with an algorithm that is not accepted",
  },
  ERR_TOKEN_KEY_NOT_FOUND: {
    status: 401,
    error: "invalid_token",
    description: "No key matches the access token's key identifier",
  },
  ERR_TOKEN_SIGNATURE: {
    status: 401,
    error: "invalid_token",
    description: "The access token signature is invalid",
  },
  ERR_TOKEN_EXPIRED: { status: 401, error: "invalid_token", description: "The access token expired" },
  ERR_TOKEN_NOT_YET_VALID: {
    status: 401,
    error: "invalid_token",
    description: "The access token is not yet valid",
  },
  ERR_TOKEN_ISSUED_IN_FUTURE: {
    status: 401,
    error: "invalid_token",
    description: "The access token was issued in the future",
  },
  ERR_TOKEN_TOO_OLD: { status: 401, error: "invalid_token", description: "The access token is too old" },
  ERR_TOKEN_ISSUER: {
    status: 401,
    error: "invalid_token",
    description: "The access token issuer is not accepted",
  },
  ERR_TOKEN_AUDIENCE: {
    status: 401,
    error: "invalid_token",
    description: "The access token audience is not accepted",
  },
  ERR_TOKEN_TYPE: {
    status: 401,
    error: "invalid_token",
    description: "The access token type is not accepted",
  },
  ERR_TOKEN_CLAIM_MISSING: {
    status: 401,
    error: "invalid_token",
    description: "The access token is missing a required claim",
  },
  ERR_TOKEN_CLAIM_INVALID: {
    status: 401,
    error: "invalid_token",
    description: "The access token has a claim with an invalid value",
  },
  ERR_TOKEN_CLIENT: {
    status: 401,
    error: "invalid_token",
    description: "The access token was issued to a client that is not accepted",
  },
  ERR_TOKEN_CERTIFICATE_REQUIRED: {
    status: 401,
    error: "invalid_token",
    description: "The access token is bound to a client certificate, and the request presented none",
  },
  ERR_TOKEN_CERTIFICATE_MISMATCH: {
    status: 401,
    error: "invalid_token",
    description: "The access token is bound to another client certificate",
  },
  ERR_TOKEN_REJECTED: { status: 401, error: "invalid_token", description: "The access token was rejected" },
  ERR_TOKEN_BINDING_UNSUPPORTED: {
    status: 401,
    error: "invalid_token",
    description: "The access token is bound by a confirmation method that is not accepted",
  },
  ERR_TOKEN_DPOP_BOUND: {
    status: 401,
    error: "invalid_token",
    description: "The access token is bound to a DPoP key: send it with the DPoP scheme and a proof",
  },
  ERR_TOKEN_NOT_DPOP_BOUND: {
    status: 401,
    error: "invalid_token",
    description: "The access token sent with the DPoP scheme is not bound to a DPoP key",
  },
  ERR_DPOP_PROOF_MISSING: {
    status: 401,
    error: "invalid_dpop_proof",
    description: "The request carries no DPoP proof",
  },
  ERR_DPOP_PROOF_MULTIPLE: {
    status: 401,
    error: "invalid_dpop_proof",
    description: "The request carries more than one DPoP proof",
  },
  ERR_DPOP_PROOF_MALFORMED: {
    status: 401,
    error: "invalid_dpop_proof",
    description: "The DPoP proof is malformed",
  },
  ERR_DPOP_PROOF_TYPE: {
    status: 401,
    error: "invalid_dpop_proof",
    description: "The DPoP proof type is not dpop+jwt",
  },
  ERR_DPOP_PROOF_ALGORITHM: {
    status: 401,
    error: "invalid_dpop_proof",
    description: "The DPoP proof is signed with an algorithm that is not accepted",
  },
  ERR_DPOP_PROOF_KEY: {
    status: 401,
    error: "invalid_dpop_proof",
    description: "The DPoP proof does not carry an acceptable public key",
  },
  ERR_DPOP_PROOF_SIGNATURE: {
    status: 401,
    error: "invalid_dpop_proof",
    description: "The DPoP proof signature is invalid",
  },
  ERR_DPOP_PROOF_METHOD: {
    status: 401,
    error: "invalid_dpop_proof",
    description: "The DPoP proof was made for another HTTP method",
  },
  ERR_DPOP_PROOF_URL: {
    status: 401,
    error: "invalid_dpop_proof",
    description: "The DPoP proof was made for another URL",
  },
  ERR_DPOP_PROOF_TIME: {
    status: 401,
    error: "invalid_dpop_proof",
    description: "The DPoP proof is too old or was issued in the future",
  },
  ERR_DPOP_PROOF_ID: {
    status: 401,
    error: "invalid_dpop_proof",
    description: "The DPoP proof has no usable identifier",
  },
  ERR_DPOP_PROOF_REPLAYED: {
    status: 401,
    error: "invalid_dpop_proof",
    description: "The DPoP proof was already used",
  },
  ERR_DPOP_PROOF_TOKEN_HASH: {
    status: 401,
    error: "invalid_dpop_proof",
    description: "The DPoP proof was made for another access token",
  },
  ERR_DPOP_PROOF_KEY_MISMATCH: {
    status: 401,
    error: "invalid_dpop_proof",
    description: "The DPoP proof key is not the key the access token is bound to",
  },
  ERR_DPOP_NONCE: {
    status: 401,
    error: "use_dpop_nonce",
    description: "The DPoP proof must carry the nonce this server provided",
  },
  ERR_TOKEN_INACTIVE: {
    status: 401,
    error: "invalid_token",
    description: "The access token is not active",
  },
  ERR_INSUFFICIENT_SCOPE: {
    status: 403,
    error: "insufficient_scope",
    description: "The access token lacks a required scope",
  },
  ERR_JWKS_UNAVAILABLE: {
    status: 503,
    error: "temporarily_unavailable",
    description: "The signing keys cannot be obtained right now; try again later",
  },
  ERR_DPOP_REPLAY_UNAVAILABLE: {
    status: 503,
    error: "temporarily_unavailable",
    description: "DPoP proofs cannot be checked for replay right now; try again later",
  },
  ERR_INTROSPECTION_UNAVAILABLE: {
    status: 503,
    error: "temporarily_unavailable",
    description:
      "The access token cannot be checked with the authorization server right now; try again later",
  },
} as const satisfies Record<
  string,
  { status: number; error: BearerErrorType | undefined; description: string }
>;

export type BearerErrorCode = keyof typeof ERROR_CODES;

/** Codes of {@link InvalidRequestError}. */
export type InvalidRequestCode =
  | "ERR_MALFORMED_AUTHORIZATION"
  | "ERR_MULTIPLE_CREDENTIALS"
  | "ERR_EMPTY_TOKEN";
/** The codes whose RFC error is `E`. */
export type CodesOf<E extends BearerErrorType> = {
  [C in BearerErrorCode]: (typeof ERROR_CODES)[C]["error"] extends E ? C : never;
}[BearerErrorCode];
/** Codes of {@link InvalidTokenError}. */
export type InvalidTokenCode = CodesOf<"invalid_token">;
/** Codes of {@link InvalidDpopProofError}. */
export type InvalidDpopProofCode = CodesOf<"invalid_dpop_proof">;
