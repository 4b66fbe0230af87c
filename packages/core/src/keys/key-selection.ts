import { type Algorithm, keyRequirementsFor } from "../base/algorithms.js";

/** A JSON Web Key as found in a JWKS (RFC 7517), public members only. */
export interface PublicJwk {
  kty: string;
  kid?: string;
  alg?: string;
  use?: string;
  key_ops?: string[];
  crv?: string;
  n?: string;
  e?: string;
  x?: string;
  y?: string;
  [member: string]: unknown;
}

/** What a token's header asks of the key set. */
export interface KeySelector {
  alg: Algorithm;
  kid: string | undefined;
}

/**
 * True when `jwk` may verify a signature made with `alg`: matching `kty` (and `crv`), its own `alg`
 * absent or equal, `use` absent or `sig`, `key_ops` absent or including `verify`, and no private part.
 */
export function isKeyCompatible(jwk: PublicJwk, alg: Algorithm): boolean {
  const need = keyRequirementsFor(alg);
  if (jwk.kty !== need.kty) return false;
  if (need.crv !== undefined && jwk.crv !== need.crv) return false;
  if (jwk.alg !== undefined && jwk.alg !== alg && !(isEd25519Alg(alg) && isEd25519Alg(jwk.alg))) return false;
  if (jwk.use !== undefined && jwk.use !== "sig") return false;
  if (jwk.key_ops !== undefined && !(Array.isArray(jwk.key_ops) && jwk.key_ops.includes("verify")))
    return false;
  if ("d" in jwk) return false;
  return true;
}

function isEd25519Alg(alg: unknown): boolean {
  return alg === "EdDSA" || alg === "Ed25519";
}

/**
 * Picks the key for a token: by `kid` when the token has one, otherwise the only compatible key.
 * Returns `undefined` when nothing (or more than one candidate without a `kid`) fits.
 */
export function selectKey(keys: readonly PublicJwk[], selector: KeySelector): PublicJwk | undefined {
  if (selector.kid !== undefined) {
    return keys.find((k) => k.kid === selector.kid && isKeyCompatible(k, selector.alg));
  }
  const candidates = keys.filter((k) => isKeyCompatible(k, selector.alg));
  return candidates.length === 1 ? candidates[0] : undefined;
}
