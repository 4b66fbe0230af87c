import { calculateJwkThumbprint, importJWK, type JWK } from "jose";
import { LRUCache } from "lru-cache";
import type { Algorithm } from "../base/algorithms.js";
import type { MaybePromise } from "../base/maybe.js";
import { InvalidDpopProofError } from "../http/errors.js";
import type { SigningKey } from "../keys/jwks-cache.js";
import type { PublicJwk } from "../keys/key-selection.js";

/** A proof's key, imported, and its RFC 7638 thumbprint (what `cnf.jkt` names). */
export interface ProofKey {
  readonly thumbprint: string;
  readonly key: SigningKey;
}

/** The proof keys seen recently, imported once each. */
export interface ProofKeys {
  /**
   * The imported key and thumbprint of a proof's `jwk` (already checked to be a public key of the
   * type `alg` needs): at hand for a key seen before, a promise the first time. Rejects with
   * `InvalidDpopProofError` (`ERR_DPOP_PROOF_KEY`) when the key does not import.
   */
  keyOf(jwk: PublicJwk, alg: Algorithm): MaybePromise<ProofKey>;
}

/** RFC 7638 required members per key type, in lexicographic order. */
const THUMBPRINT_MEMBERS: Readonly<Record<string, readonly string[]>> = {
  RSA: ["e", "kty", "n"],
  EC: ["crv", "kty", "x", "y"],
  OKP: ["crv", "kty", "x"],
};

/**
 * The key's identity: `alg` and the RFC 7638 thumbprint input (the required members as canonical
 * JSON), so that two spellings of one key (other optional members, another order) are one entry.
 */
function identity(jwk: PublicJwk, alg: Algorithm): string {
  const members = THUMBPRINT_MEMBERS[jwk.kty] ?? [];
  return `${alg}${JSON.stringify(members.map((name) => jwk[name]))}`;
}

async function importProofKey(jwk: PublicJwk, alg: Algorithm): Promise<ProofKey> {
  const members = THUMBPRINT_MEMBERS[jwk.kty] ?? [];
  const publicJwk: JWK = Object.fromEntries(members.map((name) => [name, jwk[name]]));
  try {
    const [thumbprint, imported] = await Promise.all([
      calculateJwkThumbprint(publicJwk, "sha256"),
      importJWK(publicJwk, alg),
    ]);
    if (imported instanceof Uint8Array || imported.type !== "public") throw new TypeError("not a public key");
    return {
      thumbprint,
      key: { jwk: Object.freeze(publicJwk as PublicJwk), kid: undefined, alg, key: imported },
    };
  } catch (cause) {
    throw new InvalidDpopProofError("ERR_DPOP_PROOF_KEY", { cause });
  }
}

/**
 * Creates the proof-key memo: keys by identity (alg and thumbprint input), at most `maxEntries`,
 * least recently used first out. A DPoP client signs every proof with the same key, so its key is
 * imported and hashed once, not once per request. Failed imports are not kept.
 */
export function createProofKeys(maxEntries = 1_000): ProofKeys {
  const keys = new LRUCache<string, ProofKey | Promise<ProofKey>>({ max: maxEntries });
  /**
   * The key found for a `jwk` object (with its `alg`), for a caller that hands the same frozen object
   * again (the proof decoder's remembered headers): no identity string to build and look up.
   */
  const byObject = new WeakMap<PublicJwk, ProofKey>();
  return {
    keyOf(jwk, alg) {
      const seen = byObject.get(jwk);
      if (seen !== undefined && seen.key.alg === alg) return seen;
      const id = identity(jwk, alg);
      const known = keys.get(id);
      if (known !== undefined) {
        if (!(known instanceof Promise) && Object.isFrozen(jwk)) byObject.set(jwk, known);
        return known;
      }
      const pending = importProofKey(jwk, alg).then(
        (key) => {
          if (keys.peek(id) === pending) keys.set(id, key);
          if (Object.isFrozen(jwk)) byObject.set(jwk, key);
          return key;
        },
        (error: unknown) => {
          if (keys.peek(id) === pending) keys.delete(id);
          throw error;
        },
      );
      keys.set(id, pending);
      return pending;
    },
  };
}
