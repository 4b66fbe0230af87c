import type { KeyObject, VerifyKeyObjectInput, webcrypto } from "node:crypto";
import type { Algorithm } from "../base/algorithms.js";
import { KNOWN_ANSWERS, KNOWN_MESSAGE } from "./known-answers.js";
import type { NodeCrypto } from "./node-crypto.js";

/**
 * A `node:crypto` check of one key's signatures under one algorithm, made only where it judges
 * exactly as jose does: jose's rules for the key (type, usage, curve, RSA size), the JOSE parameters
 * spelled out (PKCS#1 v1.5 or PSS with the hash's salt length, ECDSA as raw `r‖s`), and a
 * known-answer check per algorithm before `node:crypto` is trusted with it.
 */

type Kind = "RSASSA-PKCS1-v1_5" | "RSA-PSS" | "ECDSA" | "Ed25519";

interface AlgorithmSpec {
  kind: Kind;
  /** `node:crypto` digest name; `null` for Ed25519. */
  digest: "sha256" | "sha384" | "sha512" | null;
  /** WebCrypto hash name (RSA) as jose checks it on a `CryptoKey`. */
  hash?: "SHA-256" | "SHA-384" | "SHA-512";
  /** WebCrypto curve (ECDSA) and its OpenSSL name (on a `KeyObject`). */
  curve?: "P-256" | "P-384" | "P-521";
  nodeCurve?: "prime256v1" | "secp384r1" | "secp521r1";
  /** RSA-PSS salt length: the hash length, as JWA §3.5 requires. */
  saltLength?: number;
}

const rsa = (bits: 256 | 384 | 512, pss: boolean): AlgorithmSpec => ({
  kind: pss ? "RSA-PSS" : "RSASSA-PKCS1-v1_5",
  digest: `sha${bits}`,
  hash: `SHA-${bits}`,
  ...(pss ? { saltLength: bits / 8 } : {}),
});
const ec = (bits: 256 | 384 | 512, curve: AlgorithmSpec["curve"], nodeCurve: AlgorithmSpec["nodeCurve"]) => ({
  kind: "ECDSA" as const,
  digest: `sha${bits}` as const,
  curve,
  nodeCurve,
});
const ed25519: AlgorithmSpec = { kind: "Ed25519", digest: null };

const SPECS: Readonly<Record<Algorithm, AlgorithmSpec>> = {
  RS256: rsa(256, false),
  RS384: rsa(384, false),
  RS512: rsa(512, false),
  PS256: rsa(256, true),
  PS384: rsa(384, true),
  PS512: rsa(512, true),
  ES256: ec(256, "P-256", "prime256v1"),
  ES384: ec(384, "P-384", "secp384r1"),
  ES512: ec(512, "P-521", "secp521r1"),
  EdDSA: ed25519,
  Ed25519: ed25519,
};

/** jose's floor for RSA keys (`minRsaBits`). */
const MIN_RSA_BITS = 2048;

/** Checks `data` against `signature` (raw bytes); `false` for a bad signature. */
export type Check = (data: NodeJS.ArrayBufferView, signature: NodeJS.ArrayBufferView) => boolean;

interface WebCryptoKeyLike {
  type: string;
  usages: readonly string[];
  algorithm: { name: string; hash?: { name: string }; namedCurve?: string; modulusLength?: number };
}

interface KeyObjectLike {
  type: string;
  asymmetricKeyType?: string;
  asymmetricKeyDetails?: { modulusLength?: number; namedCurve?: string };
}

const tag = (value: object): unknown => (value as { [Symbol.toStringTag]?: unknown })[Symbol.toStringTag];

/** The same checks jose makes on a `CryptoKey` before `subtle.verify` (type, usage, algorithm, size). */
function cryptoKeyFits(key: WebCryptoKeyLike, spec: AlgorithmSpec): boolean {
  if (key.type !== "public" || !Array.isArray(key.usages) || !key.usages.includes("verify")) return false;
  const algorithm = key.algorithm;
  if (algorithm.name !== spec.kind) return false;
  if (spec.hash !== undefined && algorithm.hash?.name !== spec.hash) return false;
  if (spec.curve !== undefined && algorithm.namedCurve !== spec.curve) return false;
  if (spec.kind === "RSASSA-PKCS1-v1_5" || spec.kind === "RSA-PSS") {
    return typeof algorithm.modulusLength === "number" && algorithm.modulusLength >= MIN_RSA_BITS;
  }
  return true;
}

/** The checks jose's conversion of a `KeyObject` to a `CryptoKey` for `alg` amounts to. */
function keyObjectFits(key: KeyObjectLike, spec: AlgorithmSpec): boolean {
  if (key.type !== "public") return false;
  switch (spec.kind) {
    case "RSASSA-PKCS1-v1_5":
    case "RSA-PSS": {
      const bits = key.asymmetricKeyDetails?.modulusLength;
      return key.asymmetricKeyType === "rsa" && typeof bits === "number" && bits >= MIN_RSA_BITS;
    }
    case "ECDSA":
      return key.asymmetricKeyType === "ec" && key.asymmetricKeyDetails?.namedCurve === spec.nodeCurve;
    case "Ed25519":
      return key.asymmetricKeyType === "ed25519";
  }
}

/**
 * The same public key, decoded again from its SPKI DER: the form a key read from PEM has, as the
 * benchmark's floor and the peers measured there use. A key imported from a JWK (WebCrypto's
 * `importKey`, as jose imports a JWKS) is built from its components, and `verify` took about 1 µs
 * longer with it (ES256, interleaved A/B; docs/benchmarks.md). The key itself when that fails.
 */
function decodedAgain(nodeCrypto: NodeCrypto, keyObject: KeyObject): KeyObject {
  try {
    const der = keyObject.export({ format: "der", type: "spki" });
    return nodeCrypto.createPublicKey({ key: der, format: "der", type: "spki" });
  } catch {
    return keyObject;
  }
}

/** The arguments of `node:crypto`'s `verify` for an algorithm: the digest and the key with JOSE's parameters. */
export interface VerifyArguments {
  digest: AlgorithmSpec["digest"];
  key: KeyObject | VerifyKeyObjectInput;
}

function verifyArguments(nodeCrypto: NodeCrypto, keyObject: KeyObject, spec: AlgorithmSpec): VerifyArguments {
  switch (spec.kind) {
    case "RSA-PSS":
      return {
        digest: spec.digest,
        key: {
          key: keyObject,
          padding: nodeCrypto.constants.RSA_PKCS1_PSS_PADDING,
          saltLength: spec.saltLength as number,
        },
      };
    case "ECDSA":
      // JWS carries ECDSA signatures as raw r‖s (RFC 7518 §3.4), never DER.
      return { digest: spec.digest, key: { key: keyObject, dsaEncoding: "ieee-p1363" } };
    default:
      return { digest: spec.digest, key: keyObject };
  }
}

function checkFor(nodeCrypto: NodeCrypto, keyObject: KeyObject, spec: AlgorithmSpec): Check {
  const { verify, createVerify } = nodeCrypto;
  const { digest, key } = verifyArguments(nodeCrypto, keyObject, spec);
  // The streaming verifier costs less for PKCS#1 v1.5 and ECDSA (NodeCrypto.createVerify).
  if ((spec.kind === "RSASSA-PKCS1-v1_5" || spec.kind === "ECDSA") && typeof createVerify === "function") {
    const name = digest as string;
    return (data, signature) => createVerify(name).update(data).verify(key, signature);
  }
  return (data, signature) => verify(digest, data, key, signature);
}

/** A known answer for `alg`: the key, its message, the signature and the signature with its last byte changed. */
interface KnownAnswer {
  keyObject: KeyObject;
  spec: AlgorithmSpec;
  data: Buffer;
  signature: Buffer;
  tampered: Buffer;
}

/** The known answer for `alg`, or `undefined` when it has none. Throws what `createPublicKey` throws. */
function knownAnswer(nodeCrypto: NodeCrypto, alg: Algorithm): KnownAnswer | undefined {
  const spec = SPECS[alg];
  const known = KNOWN_ANSWERS[alg];
  if (spec === undefined || known === undefined) return undefined;
  const keyObject = nodeCrypto.createPublicKey({ key: { ...known.jwk }, format: "jwk" });
  const signature = Buffer.from(known.signature, "base64url");
  const tampered = Buffer.from(signature);
  tampered[tampered.length - 1] = (tampered[tampered.length - 1] ?? 0) ^ 0x01;
  return { keyObject, spec, data: Buffer.from(KNOWN_MESSAGE, "latin1"), signature, tampered };
}

/**
 * Whether `node:crypto` verifies `alg` as Node.js does: it must accept the known-answer signature
 * and refuse it with its last byte changed. Anything else (a `false`, a throw) leaves `alg` to jose.
 */
export function passesKnownAnswer(nodeCrypto: NodeCrypto, alg: Algorithm): boolean {
  try {
    const known = knownAnswer(nodeCrypto, alg);
    if (known === undefined) return false;
    const check = checkFor(nodeCrypto, known.keyObject, known.spec);
    return check(known.data, known.signature) === true && check(known.data, known.tampered) === false;
  } catch {
    return false;
  }
}

/**
 * The known answer for `alg` as `verify`'s arguments, the message, the signature and the signature
 * with its last byte changed (for the thread-pool check's own known answer), or `undefined` when
 * `alg` has none. Throws what `createPublicKey` throws.
 */
export function knownAnswerArguments(
  nodeCrypto: NodeCrypto,
  alg: Algorithm,
): { verifyArguments: VerifyArguments; data: Buffer; signature: Buffer; tampered: Buffer } | undefined {
  const known = knownAnswer(nodeCrypto, alg);
  if (known === undefined) return undefined;
  const { keyObject, spec, data, signature, tampered } = known;
  return { verifyArguments: verifyArguments(nodeCrypto, keyObject, spec), data, signature, tampered };
}

/**
 * Whether `node:crypto` passed the known-answer check for `alg`, made once per `trusted` map (at the
 * first key of that algorithm) and remembered there.
 */
function trustsAlgorithm(nodeCrypto: NodeCrypto, alg: Algorithm, trusted: Map<Algorithm, boolean>): boolean {
  let verdict = trusted.get(alg);
  if (verdict === undefined) {
    verdict = passesKnownAnswer(nodeCrypto, alg);
    trusted.set(alg, verdict);
  }
  return verdict;
}

/** A key's `node:crypto` check, and the arguments of `verify` it amounts to (for its callback form). */
export interface SigningKeyCheck {
  check: Check;
  verifyArguments: VerifyArguments;
}

/**
 * The `node:crypto` checks for a JWKS key's material (the `CryptoKey` jose imported, or a
 * `KeyObject`) under `alg`, or `undefined` when this path would not judge it exactly as jose does:
 * jose decides.
 */
export function signingKeyCheck(
  nodeCrypto: NodeCrypto,
  material: object,
  alg: Algorithm,
  trusted: Map<Algorithm, boolean>,
): SigningKeyCheck | undefined {
  const spec = SPECS[alg];
  if (spec === undefined || !trustsAlgorithm(nodeCrypto, alg, trusted)) return undefined;
  let keyObject: KeyObject | undefined;
  try {
    if (tag(material) === "CryptoKey" && cryptoKeyFits(material as WebCryptoKeyLike, spec)) {
      keyObject = decodedAgain(nodeCrypto, nodeCrypto.KeyObject.from(material as webcrypto.CryptoKey));
    } else if (tag(material) === "KeyObject" && keyObjectFits(material as KeyObjectLike, spec)) {
      keyObject = decodedAgain(nodeCrypto, material as KeyObject);
    }
  } catch {
    // a key node:crypto cannot take: jose decides
  }
  if (keyObject === undefined) return undefined;
  return {
    check: checkFor(nodeCrypto, keyObject, spec),
    verifyArguments: verifyArguments(nodeCrypto, keyObject, spec),
  };
}

/**
 * A `node:crypto` check of `alg` signatures by `keyObject` (`data` and the raw JWS signature bytes),
 * or `undefined` when this path would not judge that key exactly as jose does (another key type or
 * curve, an RSA key under 2048 bits) or `node:crypto` failed the known-answer check for `alg`
 * (`trusted` remembers that verdict per algorithm). A check may throw: count that as a bad signature.
 */
export function keyObjectCheck(
  nodeCrypto: NodeCrypto,
  keyObject: KeyObject,
  alg: Algorithm,
  trusted: Map<Algorithm, boolean>,
): Check | undefined {
  const spec = SPECS[alg];
  if (spec === undefined || !keyObjectFits(keyObject, spec)) return undefined;
  return trustsAlgorithm(nodeCrypto, alg, trusted) ? checkFor(nodeCrypto, keyObject, spec) : undefined;
}
