import { calculateJwkThumbprint, importJWK, type JWK } from "jose";
import { LRUCache } from "lru-cache";
import type { Algorithm } from "../base/algorithms.js";
import type { MaybePromise } from "../base/maybe.js";
import { InvalidDpopProofError } from "../http/errors.js";
import type { SigningKey } from "../keys/jwks-cache.js";
import type { PublicJwk } from "../keys/key-selection.js";
import { loadNodeCrypto, type NodeCrypto } from "../signature/node-crypto.js";
import { type Check, keyObjectCheck } from "../signature/node-key-checks.js";
import type { DecodedSignatureInput } from "../signature/node-signature.js";
import { checkDecodedSignature } from "../signature/signature.js";
import { sha256Base64url } from "./digest.js";

/** A proof's key, imported, and its RFC 7638 thumbprint (what `cnf.jkt` names). */
export interface ProofKey {
  readonly thumbprint: string;
  readonly alg: Algorithm;
  /**
   * RFC 9449 §4.3 check 7 through `node:crypto`, for a proof `decodeProof` accepted: `true` (valid),
   * `false` (invalid: jose refuses it too), `undefined` when only jose decides ({@link joseKey}).
   */
  checkSignature(proof: string, decoded: DecodedSignatureInput): boolean | undefined;
  /** The key as jose takes it (imported by jose on first need when `node:crypto` imported it). */
  joseKey(): Promise<SigningKey>;
}

/** The proof keys seen recently, imported once each. */
export interface ProofKeys {
  /**
   * The imported key and thumbprint of a proof's `jwk` (already checked to be a public key of the
   * type `alg` needs): at hand for a key seen before or imported by `node:crypto`, a promise when
   * jose imports it. Throws (or rejects with) `InvalidDpopProofError` (`ERR_DPOP_PROOF_KEY`) when
   * the key does not import.
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

/** The required members only (RFC 7638 §3.2), in lexicographic order: the thumbprint input. */
function thumbprintInput(jwk: PublicJwk): JWK {
  const members = THUMBPRINT_MEMBERS[jwk.kty] ?? [];
  return Object.fromEntries(members.map((name) => [name, jwk[name]]));
}

const keyError = (cause: unknown): InvalidDpopProofError =>
  new InvalidDpopProofError("ERR_DPOP_PROOF_KEY", { cause });

/** jose's import (the reference, and the only one off Node.js): a `CryptoKey`, thumbprint by jose. */
async function importWithJose(publicJwk: JWK, alg: Algorithm): Promise<SigningKey & { thumbprint: string }> {
  try {
    const [thumbprint, imported] = await Promise.all([
      calculateJwkThumbprint(publicJwk, "sha256"),
      importJWK(publicJwk, alg),
    ]);
    if (imported instanceof Uint8Array || imported.type !== "public") throw new TypeError("not a public key");
    return { thumbprint, jwk: Object.freeze(publicJwk as PublicJwk), kid: undefined, alg, key: imported };
  } catch (cause) {
    throw keyError(cause);
  }
}

async function joseProofKey(publicJwk: JWK, alg: Algorithm): Promise<ProofKey> {
  const { thumbprint, ...key } = await importWithJose(publicJwk, alg);
  return {
    thumbprint,
    alg,
    checkSignature: (proof, decoded) => checkDecodedSignature(proof, decoded, key),
    joseKey: () => Promise.resolve(key),
  };
}

/** `node:crypto`'s signature check with the key `publicJwk` describes; `undefined` when it does not decide. */
function nodeCheck(
  nodeCrypto: NodeCrypto,
  publicJwk: JWK,
  alg: Algorithm,
  trusted: Map<Algorithm, boolean>,
): Check | undefined {
  try {
    const keyObject = nodeCrypto.createPublicKey({ key: publicJwk as Record<string, string>, format: "jwk" });
    return keyObjectCheck(nodeCrypto, keyObject, alg, trusted);
  } catch {
    return undefined;
  }
}

/**
 * `node:crypto`'s import, synchronous: a `KeyObject` from the JWK and the thumbprint hashed here;
 * `undefined` (jose then imports and decides everything) unless `node:crypto` takes the key and
 * {@link keyObjectCheck} says it judges its signatures exactly as jose does.
 */
function nodeProofKey(
  nodeCrypto: NodeCrypto,
  publicJwk: JWK,
  alg: Algorithm,
  trusted: Map<Algorithm, boolean>,
): ProofKey | undefined {
  const verify = nodeCheck(nodeCrypto, publicJwk, alg, trusted);
  if (verify === undefined) return undefined;
  const thumbprint = sha256Base64url(JSON.stringify(publicJwk));
  if (typeof thumbprint !== "string") return undefined;
  let joseKey: Promise<SigningKey> | undefined;
  return {
    thumbprint,
    alg,
    checkSignature(proof, decoded) {
      try {
        return verify(Buffer.from(proof.slice(0, decoded.payloadEnd), "latin1"), decoded.signature);
      } catch {
        return false; // jose maps a throwing `subtle.verify` to a failed signature; so do we
      }
    },
    joseKey() {
      joseKey ??= importWithJose(publicJwk, alg);
      return joseKey;
    },
  };
}

/**
 * Creates the proof-key memo: keys by identity (alg and thumbprint input), at most `maxEntries`,
 * least recently used first out. A DPoP client signs every proof with the same key, so its key is
 * imported and hashed once, not once per request. Failed imports are not kept.
 */
export function createProofKeys(
  maxEntries = 1_000,
  nodeCrypto: NodeCrypto | null = loadNodeCrypto() ?? null,
): ProofKeys {
  const keys = new LRUCache<string, ProofKey | Promise<ProofKey>>({ max: maxEntries });
  const trusted = new Map<Algorithm, boolean>();
  /**
   * The key found for a `jwk` object (with its `alg`), for a caller that hands the same frozen object
   * again (the proof decoder's remembered headers): no identity string to build and look up.
   */
  const byObject = new WeakMap<PublicJwk, ProofKey>();
  return {
    keyOf(jwk, alg) {
      const seen = byObject.get(jwk);
      if (seen !== undefined && seen.alg === alg) return seen;
      const id = identity(jwk, alg);
      const known = keys.get(id);
      if (known !== undefined) {
        if (!(known instanceof Promise) && Object.isFrozen(jwk)) byObject.set(jwk, known);
        return known;
      }
      const publicJwk = thumbprintInput(jwk);
      const imported = nodeCrypto === null ? undefined : nodeProofKey(nodeCrypto, publicJwk, alg, trusted);
      if (imported !== undefined) {
        keys.set(id, imported);
        if (Object.isFrozen(jwk)) byObject.set(jwk, imported);
        return imported;
      }
      const pending = joseProofKey(publicJwk, alg).then(
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
