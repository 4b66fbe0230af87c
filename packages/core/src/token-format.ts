import { type Algorithm, isSupportedAlgorithm } from "./algorithms.js";
import { InvalidTokenError } from "./errors.js";
import type { JwtClaims, JwtHeader } from "./types.js";

/** A compact JWS split and decoded, not yet verified. */
export interface DecodedToken {
  header: JwtHeader & { alg: Algorithm };
  claims: JwtClaims;
}

const SEGMENT = /^[A-Za-z0-9_-]+$/;
/** Header parameters that would let a token choose its own key. They are refused, never followed. */
const KEY_CARRYING_PARAMETERS = ["jwk", "jku", "x5u", "x5c"] as const;
const MAX_KID_LENGTH = 1024;

function decodeSegment(segment: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(segment, "base64url").toString("utf8"));
  } catch (cause) {
    throw new InvalidTokenError("ERR_TOKEN_MALFORMED", { cause });
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new InvalidTokenError("ERR_TOKEN_MALFORMED");
  }
  return value as Record<string, unknown>;
}

/**
 * Splits and decodes a compact JWS cheaply, before any key is fetched: size bound, three base64url
 * segments, JSON objects, an allowed `alg`, a string `kid`, no `crit`, no `b64`, no key-carrying
 * parameters. Throws `InvalidTokenError`.
 */
export function decodeToken(
  token: string,
  allowed: readonly Algorithm[],
  maxTokenBytes: number,
): DecodedToken {
  if (typeof token !== "string" || token.length === 0) throw new InvalidTokenError("ERR_TOKEN_MALFORMED");
  if (token.length > maxTokenBytes) throw new InvalidTokenError("ERR_TOKEN_TOO_LARGE");
  const first = token.indexOf(".");
  const second = first < 0 ? -1 : token.indexOf(".", first + 1);
  if (first < 1 || second < 0 || token.indexOf(".", second + 1) !== -1) {
    throw new InvalidTokenError("ERR_TOKEN_MALFORMED");
  }
  const h = token.slice(0, first);
  const p = token.slice(first + 1, second);
  const s = token.slice(second + 1);
  if (!SEGMENT.test(h) || !SEGMENT.test(p) || !SEGMENT.test(s))
    throw new InvalidTokenError("ERR_TOKEN_MALFORMED");

  const header = decodeSegment(h);
  const alg = header.alg;
  if (typeof alg !== "string") throw new InvalidTokenError("ERR_TOKEN_MALFORMED");
  if (!isSupportedAlgorithm(alg) || !allowed.includes(alg))
    throw new InvalidTokenError("ERR_TOKEN_ALGORITHM");
  if (header.kid !== undefined && (typeof header.kid !== "string" || header.kid.length > MAX_KID_LENGTH)) {
    throw new InvalidTokenError("ERR_TOKEN_MALFORMED");
  }
  if (header.crit !== undefined || header.b64 !== undefined)
    throw new InvalidTokenError("ERR_TOKEN_HEADER_UNSUPPORTED");
  for (const name of KEY_CARRYING_PARAMETERS) {
    if (header[name] !== undefined) throw new InvalidTokenError("ERR_TOKEN_HEADER_UNSUPPORTED");
  }
  if (header.typ !== undefined && typeof header.typ !== "string")
    throw new InvalidTokenError("ERR_TOKEN_TYPE");

  const claims = decodeSegment(p);
  return { header: header as JwtHeader & { alg: Algorithm }, claims: claims as JwtClaims };
}
