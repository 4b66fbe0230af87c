import type { Algorithm } from "../base/algorithms.js";
import type { MaybePromise } from "../base/maybe.js";
import type { SigningKey } from "../keys/jwks-cache.js";
import type { NodeCrypto } from "./node-crypto.js";
import { type Check, signingKeyCheck } from "./node-key-checks.js";
import { type OffloadedCheck, offloadedCheck, passesOffloadedKnownAnswer } from "./thread-pool-checks.js";

/**
 * The `node:crypto` fast path for JWS signatures. jose stays the reference: this path only handles
 * the inputs it can check exactly as jose would (a well-formed compact JWS, a clean header whose
 * `alg` is the key's, a public key of the right type and size) and answers `undefined` for
 * everything else, which then goes to jose. `test/signature.test.ts` holds the two to the same
 * accept/reject on every algorithm and hostile input.
 */

interface Prepared {
  alg: Algorithm;
  /** `undefined` when this key cannot be checked exactly as jose would: jose decides. */
  checks: SigningKeyChecks | undefined;
}

/** A key's check on the calling thread, and the same check on libuv's thread pool. */
interface SigningKeyChecks {
  check: Check;
  offloaded: OffloadedCheck;
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
  /**
   * `verifyDecoded` with the signature checked by `verify`'s callback form on libuv's thread pool: a
   * promise of the verdict (never rejected; an error is `false`). Where that form is missing or
   * failed its known-answer check for the algorithm, `verifyDecoded`'s verdict, given now (or once
   * that check has answered, at the algorithm's first tokens).
   */
  verifyDecodedOffloaded(
    token: string,
    decoded: DecodedSignatureInput,
    key: SigningKey,
  ): MaybePromise<boolean | undefined>;
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
  const headers = new Map<string, string | undefined>();

  /** Per algorithm, whether `verify`'s callback form passed its known-answer check (a promise until it answers). */
  const offloading = new Map<Algorithm, boolean | Promise<boolean>>();

  const prepare = (key: SigningKey): SigningKeyChecks | undefined => {
    const material = key.key as unknown;
    if (typeof material !== "object" || material === null) return undefined;
    const known = prepared.get(material);
    if (known !== undefined && known.alg === key.alg) return known.checks;
    const found = signingKeyCheck(nodeCrypto, material, key.alg, trusted);
    const checks = found && {
      check: found.check,
      offloaded: offloadedCheck(nodeCrypto, found.verifyArguments),
    };
    prepared.set(material, { alg: key.alg, checks });
    return checks;
  };

  const offloads = (alg: Algorithm): boolean | Promise<boolean> => {
    let verdict = offloading.get(alg);
    if (verdict === undefined) {
      const answering = passesOffloadedKnownAnswer(nodeCrypto, alg).then((passed) => {
        offloading.set(alg, passed);
        return passed;
      });
      offloading.set(alg, answering);
      verdict = answering;
    }
    return verdict;
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
   * The key's checks when this path judges the token (`undefined`: jose decides). `first` and
   * `second` are the two dots of a token of three non-empty base64url segments, `alg` the `alg` of
   * its header, a JSON object without `crit` or `b64`.
   */
  const applicable = (
    token: string,
    first: number,
    second: number,
    alg: string | undefined,
    key: SigningKey,
  ): SigningKeyChecks | undefined => {
    // base64 never leaves a single character in the last quantum: jose refuses such segments.
    if (first % 4 === 1 || (second - first - 1) % 4 === 1 || (token.length - second - 1) % 4 === 1) {
      return undefined;
    }
    if (alg !== key.alg) return undefined;
    return prepare(key);
  };

  const checkNow = (
    checks: SigningKeyChecks,
    token: string,
    second: number,
    decodedSignature: Uint8Array | undefined,
  ): boolean => {
    const data = signingInput(token, second);
    const signature = decodedSignature ?? Buffer.from(token.slice(second + 1), "base64url");
    try {
      return checks.check(data, signature);
    } catch {
      // jose maps a throwing `subtle.verify` to a failed signature; so do we.
      return false;
    }
  };

  const decide = (
    token: string,
    first: number,
    second: number,
    alg: string | undefined,
    key: SigningKey,
    decodedSignature?: Uint8Array,
  ): boolean | undefined => {
    const checks = applicable(token, first, second, alg, key);
    return checks === undefined ? undefined : checkNow(checks, token, second, decodedSignature);
  };

  /** The check on the thread pool, with copies of its inputs (the shared buffer is rewritten meanwhile). */
  const checkLater = (
    checks: SigningKeyChecks,
    token: string,
    second: number,
    signature: Uint8Array,
  ): Promise<boolean> => {
    const data = Buffer.allocUnsafe(second);
    data.write(token, 0, second, "latin1");
    return checks.offloaded(data, signature.slice());
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
    verifyDecodedOffloaded(token, decoded, key) {
      const { payloadEnd, signature } = decoded;
      const checks = applicable(token, decoded.headerEnd, payloadEnd, decoded.header.alg, key);
      if (checks === undefined) return undefined;
      const offloaded = offloads(key.alg);
      if (offloaded === true) return checkLater(checks, token, payloadEnd, signature);
      if (offloaded === false) return checkNow(checks, token, payloadEnd, signature);
      return offloaded.then((passed) =>
        passed
          ? checkLater(checks, token, payloadEnd, signature)
          : checkNow(checks, token, payloadEnd, signature),
      );
    },
  };
}
