import type { KeyObject, Verify, VerifyKeyObjectInput, VerifyPublicKeyInput, webcrypto } from "node:crypto";
import type { Algorithm } from "../base/algorithms.js";
import type { SigningKey } from "../keys/jwks-cache.js";
import { KNOWN_ANSWERS, KNOWN_MESSAGE } from "./known-answers.js";

/**
 * The `node:crypto` fast path for JWS signatures. jose stays the reference: this path only handles
 * the inputs it can check exactly as jose would (a well-formed compact JWS, a clean header whose
 * `alg` is the key's, a public key of the right type and size) and answers `undefined` for
 * everything else, which then goes to jose. `test/signature.test.ts` holds the two to the same
 * accept/reject on every algorithm and hostile input.
 */

/** The parts of `node:crypto` this path uses. */
export interface NodeCrypto {
  verify(
    algorithm: string | null | undefined,
    data: NodeJS.ArrayBufferView,
    key: KeyObject | VerifyKeyObjectInput | VerifyPublicKeyInput,
    signature: NodeJS.ArrayBufferView,
  ): boolean;
  KeyObject: { from(key: webcrypto.CryptoKey): KeyObject };
  createPublicKey(
    key:
      | { key: Record<string, string>; format: "jwk" }
      | { key: NodeJS.ArrayBufferView; format: "der"; type: "spki" },
  ): KeyObject;
  constants: { RSA_PKCS1_PSS_PADDING: number };
  /**
   * The streaming verifier. Where present, RS256/384/512 and ES256/384/512 are checked with it: it
   * costs less than the one-shot `verify` for them (ES256 0.5–2.5 µs, RS256 0.3–0.4 µs per call,
   * docs/benchmarks.md). Optional: without it, `verify` checks every algorithm.
   */
  createVerify?(algorithm: string): Verify;
}

interface ProcessLike {
  versions?: Record<string, string | undefined>;
  getBuiltinModule?: (id: string) => unknown;
}

/**
 * Returns `node:crypto` when running on Node.js itself, else `undefined` (Deno, Bun, workers and
 * browsers use jose). Read through `process.getBuiltinModule` (Node ≥ 20.16), so nothing is
 * imported where it does not exist.
 */
export function loadNodeCrypto(
  proc: unknown = (globalThis as { process?: unknown }).process,
): NodeCrypto | undefined {
  if (typeof proc !== "object" || proc === null) return undefined;
  const { versions, getBuiltinModule } = proc as ProcessLike;
  if (typeof versions?.node !== "string" || versions.bun !== undefined || versions.deno !== undefined) {
    return undefined;
  }
  if (typeof getBuiltinModule !== "function") return undefined;
  try {
    const mod = getBuiltinModule.call(proc, "node:crypto") as Partial<NodeCrypto> | undefined;
    if (typeof mod?.verify !== "function" || typeof mod.KeyObject?.from !== "function") return undefined;
    if (typeof mod.createPublicKey !== "function" || typeof Buffer !== "function") return undefined;
    if (typeof mod.constants?.RSA_PKCS1_PSS_PADDING !== "number") return undefined;
    return mod as NodeCrypto;
  } catch {
    return undefined;
  }
}

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

interface Prepared {
  alg: Algorithm;
  /** `undefined` when this key cannot be checked exactly as jose would: jose decides. */
  check: Check | undefined;
}

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

function checkFor(nodeCrypto: NodeCrypto, keyObject: KeyObject, spec: AlgorithmSpec): Check {
  const { verify } = nodeCrypto;
  switch (spec.kind) {
    case "RSASSA-PKCS1-v1_5": {
      const digest = spec.digest;
      const { createVerify } = nodeCrypto;
      if (typeof createVerify === "function" && digest !== null) {
        return (data, signature) => createVerify(digest).update(data).verify(keyObject, signature);
      }
      return (data, signature) => verify(digest, data, keyObject, signature);
    }
    case "RSA-PSS": {
      const digest = spec.digest;
      const input = {
        key: keyObject,
        padding: nodeCrypto.constants.RSA_PKCS1_PSS_PADDING,
        saltLength: spec.saltLength as number,
      };
      return (data, signature) => verify(digest, data, input, signature);
    }
    case "ECDSA": {
      const digest = spec.digest;
      // JWS carries ECDSA signatures as raw r‖s (RFC 7518 §3.4), never DER.
      const input = { key: keyObject, dsaEncoding: "ieee-p1363" as const };
      const { createVerify } = nodeCrypto;
      if (typeof createVerify === "function" && digest !== null) {
        return (data, signature) => createVerify(digest).update(data).verify(input, signature);
      }
      return (data, signature) => verify(digest, data, input, signature);
    }
    case "Ed25519":
      return (data, signature) => verify(null, data, keyObject, signature);
  }
}

/**
 * Whether `node:crypto` verifies `alg` as Node.js does: it must accept the known-answer signature
 * and refuse it with its last byte changed. Anything else (a `false`, a throw) leaves `alg` to jose.
 */
export function passesKnownAnswer(nodeCrypto: NodeCrypto, alg: Algorithm): boolean {
  const spec = SPECS[alg];
  const known = KNOWN_ANSWERS[alg];
  if (spec === undefined || known === undefined) return false;
  try {
    const check = checkFor(
      nodeCrypto,
      nodeCrypto.createPublicKey({ key: { ...known.jwk }, format: "jwk" }),
      spec,
    );
    const data = Buffer.from(KNOWN_MESSAGE, "latin1");
    const signature = Buffer.from(known.signature, "base64url");
    const tampered = Buffer.from(signature);
    tampered[tampered.length - 1] = (tampered[tampered.length - 1] ?? 0) ^ 0x01;
    return check(data, signature) === true && check(data, tampered) === false;
  } catch {
    return false;
  }
}

/** A `node:crypto` verifier for `SigningKey`s, with each key's `KeyObject` made once. */
export interface NodeSignatureVerifier {
  /**
   * `true` when the signature is valid, `false` when it is not (jose would reject it too), and
   * `undefined` when this path does not decide: the caller asks jose.
   */
  verify(token: string, key: SigningKey): boolean | undefined;
  /**
   * The same for a token already known to be three non-empty segments of the base64url alphabet
   * (as `decodeToken` guarantees), which skips scanning the token again.
   */
  verifyWellFormed(token: string, key: SigningKey): boolean | undefined;
  /**
   * The same for a token `decodeToken` accepted, given what it found: the dots' positions and the
   * header's `alg` (a header that is a JSON object without `crit` or `b64`). Nothing is scanned or
   * parsed again.
   */
  verifyDecoded(token: string, decoded: DecodedSignatureInput, key: SigningKey): boolean | undefined;
}

/** What `decodeToken` found in a token it accepted (a subset of its `DecodedToken`). */
export interface DecodedSignatureInput {
  header: { alg: string };
  headerEnd: number;
  payloadEnd: number;
  /** The signature segment, decoded. */
  signature: Uint8Array;
}

/** Strict base64url (RFC 7515 §2) segments: exactly three, non-empty, no padding. */
const COMPACT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
/** Header segments seen recently and what they allow, so a header is parsed once, not per token. */
const HEADER_MEMO_LIMIT = 64;
const RECENT_HEADERS = 4;
const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

/** The header's `alg` when the header is one jose would take as it is (a JSON object, no `crit`, no `b64`). */
function plainHeaderAlg(segment: string): string | undefined {
  let header: unknown;
  try {
    header = JSON.parse(strictUtf8.decode(Buffer.from(segment, "base64url")));
  } catch {
    return undefined;
  }
  if (typeof header !== "object" || header === null || Array.isArray(header)) return undefined;
  if (Object.hasOwn(header, "crit") || Object.hasOwn(header, "b64")) return undefined;
  const alg = (header as { alg?: unknown }).alg;
  return typeof alg === "string" && alg.length > 0 ? alg : undefined;
}

/** Longest signing input written into the reused buffer; a longer one gets a buffer of its own. */
const SIGNING_INPUT_BYTES = 16 * 1024;
let signingInputBuffer: Buffer | undefined;

/**
 * The first `length` characters of `token` as bytes (`latin1`: the caller vouches that they are
 * base64url and dots), written into one buffer reused for every token: `verify` is synchronous and
 * keeps nothing, and the copy costs about half of allocating a buffer per token.
 */
function signingInput(token: string, length: number): Uint8Array {
  if (length > SIGNING_INPUT_BYTES) return Buffer.from(token.slice(0, length), "latin1");
  signingInputBuffer ??= Buffer.allocUnsafeSlow(SIGNING_INPUT_BYTES);
  const written = signingInputBuffer.write(token, 0, length, "latin1");
  return new Uint8Array(signingInputBuffer.buffer, signingInputBuffer.byteOffset, written);
}

/** Creates the fast path over `nodeCrypto`. */
export function createNodeSignatureVerifier(nodeCrypto: NodeCrypto): NodeSignatureVerifier {
  const prepared = new WeakMap<object, Prepared>();
  /** Per algorithm, whether `node:crypto` passed its known-answer check (made at the first key of that algorithm). */
  const trusted = new Map<Algorithm, boolean>();
  const trusts = (alg: Algorithm): boolean => {
    let verdict = trusted.get(alg);
    if (verdict === undefined) {
      verdict = passesKnownAnswer(nodeCrypto, alg);
      trusted.set(alg, verdict);
    }
    return verdict;
  };
  const headers = new Map<string, string | undefined>();

  const prepare = (key: SigningKey): Check | undefined => {
    const material = key.key as unknown;
    if (typeof material !== "object" || material === null) return undefined;
    const known = prepared.get(material);
    if (known !== undefined && known.alg === key.alg) return known.check;
    const spec = SPECS[key.alg];
    let check: Check | undefined;
    if (spec !== undefined && trusts(key.alg)) {
      try {
        if (tag(material) === "CryptoKey" && cryptoKeyFits(material as WebCryptoKeyLike, spec)) {
          const keyObject = nodeCrypto.KeyObject.from(material as webcrypto.CryptoKey);
          check = checkFor(nodeCrypto, decodedAgain(nodeCrypto, keyObject), spec);
        } else if (tag(material) === "KeyObject" && keyObjectFits(material as KeyObjectLike, spec)) {
          check = checkFor(nodeCrypto, decodedAgain(nodeCrypto, material as KeyObject), spec);
        }
      } catch {
        check = undefined;
      }
    }
    prepared.set(material, { alg: key.alg, check });
    return check;
  };

  /** The last few header segments seen, matched against the token's prefix without slicing it. */
  const recent: { segment: string; alg: string | undefined }[] = [];
  const headerAlg = (token: string, first: number): string | undefined => {
    for (const entry of recent) {
      if (entry.segment.length === first && token.startsWith(entry.segment)) return entry.alg;
    }
    const segment = token.slice(0, first);
    let alg: string | undefined;
    if (headers.has(segment)) {
      alg = headers.get(segment);
    } else {
      alg = plainHeaderAlg(segment);
      if (headers.size >= HEADER_MEMO_LIMIT) headers.clear();
      headers.set(segment, alg);
    }
    if (recent.length >= RECENT_HEADERS) recent.pop();
    recent.unshift({ segment, alg });
    return alg;
  };

  /**
   * `first` and `second` are the two dots of a token of three non-empty base64url segments, `alg`
   * the `alg` of its header, a JSON object without `crit` or `b64`.
   */
  const decide = (
    token: string,
    first: number,
    second: number,
    alg: string | undefined,
    key: SigningKey,
    decodedSignature?: Uint8Array,
  ): boolean | undefined => {
    // base64 never leaves a single character in the last quantum: jose refuses such segments.
    if (first % 4 === 1 || (second - first - 1) % 4 === 1 || (token.length - second - 1) % 4 === 1) {
      return undefined;
    }
    if (alg !== key.alg) return undefined;
    const check = prepare(key);
    if (check === undefined) return undefined;
    const data = signingInput(token, second);
    const signature = decodedSignature ?? Buffer.from(token.slice(second + 1), "base64url");
    try {
      return check(data, signature);
    } catch {
      // jose maps a throwing `subtle.verify` to a failed signature; so do we.
      return false;
    }
  };

  return {
    verify(token, key) {
      if (typeof token !== "string" || !COMPACT.test(token)) return undefined;
      const first = token.indexOf(".");
      return decide(token, first, token.indexOf(".", first + 1), headerAlg(token, first), key);
    },
    verifyWellFormed(token, key) {
      // Cheap structural guards only: the caller vouches for the alphabet.
      if (typeof token !== "string") return undefined;
      const first = token.indexOf(".");
      const second = token.indexOf(".", first + 1);
      if (first < 1 || second <= first + 1 || second === token.length - 1) return undefined;
      if (token.indexOf(".", second + 1) !== -1) return undefined;
      return decide(token, first, second, headerAlg(token, first), key);
    },
    verifyDecoded(token, decoded, key) {
      return decide(token, decoded.headerEnd, decoded.payloadEnd, decoded.header.alg, key, decoded.signature);
    },
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
  let trusts = trusted.get(alg);
  if (trusts === undefined) {
    trusts = passesKnownAnswer(nodeCrypto, alg);
    trusted.set(alg, trusts);
  }
  return trusts ? checkFor(nodeCrypto, keyObject, spec) : undefined;
}
