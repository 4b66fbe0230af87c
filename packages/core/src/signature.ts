import { compactVerify } from "jose";
import { InvalidTokenError } from "./errors.js";
import type { SigningKey } from "./jwks-cache.js";

/** Maps a jose error to our code by its `code` (never `instanceof`: jose may be installed twice). */
function codeOf(
  error: unknown,
): "ERR_TOKEN_SIGNATURE" | "ERR_TOKEN_MALFORMED" | "ERR_TOKEN_ALGORITHM" | "ERR_TOKEN_HEADER_UNSUPPORTED" {
  const code = typeof error === "object" && error !== null ? (error as { code?: unknown }).code : undefined;
  switch (code) {
    case "ERR_JWS_INVALID":
      return "ERR_TOKEN_MALFORMED";
    case "ERR_JOSE_ALG_NOT_ALLOWED":
      return "ERR_TOKEN_ALGORITHM";
    case "ERR_JOSE_NOT_SUPPORTED":
      return "ERR_TOKEN_HEADER_UNSUPPORTED";
    default:
      return "ERR_TOKEN_SIGNATURE";
  }
}

/** Verifies a compact JWS signature with `key` (jose). Throws `InvalidTokenError`. */
export async function verifySignature(token: string, key: SigningKey): Promise<void> {
  try {
    await compactVerify(token, key.key, { algorithms: [key.alg] });
  } catch (cause) {
    throw new InvalidTokenError(codeOf(cause), { cause });
  }
}
