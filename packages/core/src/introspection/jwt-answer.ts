import type { Algorithm } from "../base/algorithms.js";
import type { SigningKey } from "../keys/jwks-cache.js";
import type { KeySelector } from "../keys/key-selection.js";
import { verifySignatureWithJose } from "../signature/signature.js";
import { decodeToken } from "../token/token-format.js";
import { IntrospectionFailure } from "./introspection-failure.js";

/** Finds the authorization server's key for a signed answer (the verifier's JWKS cache). */
export type AnswerKeyLookup = (selector: KeySelector) => Promise<SigningKey>;

/**
 * Verifies the signature of an RFC 9701 answer with the authorization server's published keys: the
 * JWS is decoded as strictly as an access token (allowed `alg`, no `crit`, no key-carrying header,
 * no duplicate members), its key found by `kid` and `alg` in the issuer's JWKS, the signature
 * checked. oauth4webapi has already checked `typ`, `iss`, `aud`, `iat` and `exp`. Throws
 * {@link IntrospectionFailure} (`ERR_INTROSPECTION_SIGNATURE`).
 */
export async function verifyJwtAnswer(
  jwt: string,
  options: { algorithms: readonly Algorithm[]; maxBytes: number; endpoint: string; keyFor: AnswerKeyLookup },
): Promise<void> {
  const failure = (detail: string) =>
    new IntrospectionFailure("ERR_INTROSPECTION_SIGNATURE", { endpoint: options.endpoint, detail });
  let selector: KeySelector;
  try {
    const { header } = decodeToken(jwt, options.algorithms, options.maxBytes);
    selector = { alg: header.alg, kid: header.kid };
  } catch {
    throw failure("malformed");
  }
  let key: SigningKey;
  try {
    key = await options.keyFor(selector);
  } catch {
    throw failure("key");
  }
  try {
    await verifySignatureWithJose(jwt, key);
  } catch {
    throw failure("signature");
  }
}
