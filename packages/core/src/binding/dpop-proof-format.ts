import { type Algorithm, keyRequirementsFor } from "../base/algorithms.js";
import { InvalidDpopProofError } from "../http/errors.js";
import type { PublicJwk } from "../keys/key-selection.js";
import type { DecodedSignatureInput } from "../signature/node-signature.js";
import { decodeBase64url, decodeSegment } from "../token/token-format.js";

/** A DPoP proof split and decoded, its header checked, its signature not yet verified. */
export interface DecodedProof extends DecodedSignatureInput {
  header: { alg: Algorithm; typ: string; jwk: PublicJwk; [parameter: string]: unknown };
  claims: Record<string, unknown>;
}

/** JWK members that belong to a private or secret key (RFC 7518 §6): a proof carries a public key only. */
const PRIVATE_MEMBERS = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"];

const fail = (code: ConstructorParameters<typeof InvalidDpopProofError>[0]): never => {
  throw new InvalidDpopProofError(code);
};

function decodeJson(segment: string): Record<string, unknown> {
  try {
    return decodeSegment(decodeBase64url(segment));
  } catch {
    // The same checks as an access token's segments (strict base64url, one JSON object, no duplicate
    // member names, bounded depth); the token error says nothing more about a proof.
    return fail("ERR_DPOP_PROOF_MALFORMED");
  }
}

/** `dpop+jwt`, or the same media type spelt in full or in another case (RFC 7515 §4.1.9). */
function isDpopType(typ: unknown): typ is string {
  if (typeof typ !== "string") return false;
  const lower = typ.toLowerCase();
  return lower === "dpop+jwt" || lower === "application/dpop+jwt";
}

/** A public JWK (no private member) whose type fits `alg`, in the shape `importJWK` takes. */
function checkProofJwk(jwk: unknown, alg: Algorithm): PublicJwk {
  if (typeof jwk !== "object" || jwk === null || Array.isArray(jwk)) return fail("ERR_DPOP_PROOF_KEY");
  const members = jwk as Record<string, unknown>;
  for (const name of PRIVATE_MEMBERS) if (Object.hasOwn(members, name)) fail("ERR_DPOP_PROOF_KEY");
  const need = keyRequirementsFor(alg);
  if (members.kty !== need.kty || (need.crv !== undefined && members.crv !== need.crv))
    fail("ERR_DPOP_PROOF_KEY");
  const required = need.kty === "RSA" ? ["n", "e"] : need.kty === "EC" ? ["x", "y"] : ["x"];
  for (const name of required) if (typeof members[name] !== "string") fail("ERR_DPOP_PROOF_KEY");
  if (members.use !== undefined && members.use !== "sig") fail("ERR_DPOP_PROOF_KEY");
  if (members.alg !== undefined && members.alg !== alg) fail("ERR_DPOP_PROOF_KEY");
  return jwk as PublicJwk;
}

/** The positions of a proof's two dots: three non-empty segments within `maxProofBytes`, or `ERR_DPOP_PROOF_MALFORMED`. */
function dotsOf(proof: string, maxProofBytes: number): [first: number, second: number] {
  if (proof.length === 0 || proof.length > maxProofBytes) fail("ERR_DPOP_PROOF_MALFORMED");
  const first = proof.indexOf(".");
  const second = first < 0 ? -1 : proof.indexOf(".", first + 1);
  if (
    first < 1 ||
    second <= first + 1 ||
    second === proof.length - 1 ||
    proof.indexOf(".", second + 1) !== -1
  ) {
    fail("ERR_DPOP_PROOF_MALFORMED");
  }
  return [first, second];
}

function decodeSignature(segment: string): Uint8Array {
  try {
    return decodeBase64url(segment);
  } catch {
    return fail("ERR_DPOP_PROOF_MALFORMED");
  }
}

/**
 * Decodes a DPoP proof (RFC 9449 §4.2, §4.3 checks 2-6): at most `maxProofBytes`, a compact JWS of
 * three base64url segments, JSON object header and claims, `typ` `dpop+jwt`, an `alg` from `algorithms`
 * (never `none` or HS*), no `crit` or `b64`, and a `jwk` header holding a public key of the type `alg`
 * needs. Throws `InvalidDpopProofError`.
 */
export function decodeProof(
  proof: string,
  algorithms: readonly Algorithm[],
  maxProofBytes: number,
): DecodedProof {
  const [first, second] = dotsOf(proof, maxProofBytes);
  const header = decodeJson(proof.slice(0, first));
  const claims = decodeJson(proof.slice(first + 1, second));
  const signature = decodeSignature(proof.slice(second + 1));
  if (!isDpopType(header.typ)) fail("ERR_DPOP_PROOF_TYPE");
  const alg = header.alg;
  if (typeof alg !== "string" || !(algorithms as readonly string[]).includes(alg))
    fail("ERR_DPOP_PROOF_ALGORITHM");
  if (header.crit !== undefined || header.b64 !== undefined) fail("ERR_DPOP_PROOF_MALFORMED");
  const jwk = checkProofJwk(header.jwk, alg as Algorithm);
  return {
    header: { ...header, alg: alg as Algorithm, typ: header.typ as string, jwk },
    claims,
    headerEnd: first,
    payloadEnd: second,
    signature,
  };
}

/** {@link decodeProof} for one verifier's settings, each header segment it accepted decoded once. */
export type ProofDecoder = (proof: string) => DecodedProof;

/** Header segments remembered by a {@link ProofDecoder}: a client signs its proofs under one header. */
export const PROOF_HEADERS_LIMIT = 64;

/**
 * Creates a {@link ProofDecoder}: {@link decodeProof}, but a header segment already accepted (byte for
 * byte the same text, so the same header) is not decoded and checked again; its decoded header (frozen,
 * its `jwk` the same object each time) is reused. Only accepted headers are kept, at most
 * {@link PROOF_HEADERS_LIMIT} (all forgotten when full), so every refusal and its order are unchanged.
 */
export function createProofDecoder(algorithms: readonly Algorithm[], maxProofBytes: number): ProofDecoder {
  const headers = new Map<string, DecodedProof["header"]>();
  let last: { segment: string; header: DecodedProof["header"] } | undefined;
  const knownHeader = (proof: string, first: number): DecodedProof["header"] | undefined => {
    if (last !== undefined && last.segment.length === first && proof.startsWith(last.segment))
      return last.header;
    const segment = proof.slice(0, first);
    const header = headers.get(segment);
    if (header !== undefined) last = { segment, header };
    return header;
  };
  return (proof) => {
    const [first, second] = dotsOf(proof, maxProofBytes);
    const header = knownHeader(proof, first);
    if (header !== undefined) {
      const claims = decodeJson(proof.slice(first + 1, second));
      const signature = decodeSignature(proof.slice(second + 1));
      return { header, claims, headerEnd: first, payloadEnd: second, signature };
    }
    const decoded = decodeProof(proof, algorithms, maxProofBytes);
    const segment = proof.slice(0, first);
    Object.freeze(decoded.header.jwk);
    const frozen = Object.freeze(decoded.header);
    if (headers.size >= PROOF_HEADERS_LIMIT) headers.clear();
    headers.set(segment, frozen);
    last = { segment, header: frozen };
    return decoded;
  };
}
