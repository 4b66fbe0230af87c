import { compactVerify } from "jose";
import type { MaybePromise } from "../base/maybe.js";
import { InvalidTokenError } from "../http/errors.js";
import type { SigningKey } from "../keys/jwks-cache.js";
import { loadNodeCrypto, type NodeCrypto } from "./node-crypto.js";
import { createNodeSignatureVerifier, type DecodedSignatureInput } from "./node-signature.js";

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

/** Verifies a compact JWS signature with `key` using jose only. Throws `InvalidTokenError`. */
export async function verifySignatureWithJose(token: string, key: SigningKey): Promise<void> {
  try {
    await compactVerify(token, key.key, { algorithms: [key.alg] });
  } catch (cause) {
    throw new InvalidTokenError(codeOf(cause), { cause });
  }
}

const RESOLVED: Promise<void> = Promise.resolve();

/** Checks a compact JWS's signature with `key`; rejects with `InvalidTokenError`. */
export type SignatureVerifier = (token: string, key: SigningKey) => Promise<void>;

export interface SignatureVerifiers {
  /** Any string. */
  verify: SignatureVerifier;
  /**
   * The `node:crypto` verdict on a token that already passed `decodeToken`, given synchronously:
   * `true` (valid), `false` (`verifyDecoded` would reject with `ERR_TOKEN_SIGNATURE`), or
   * `undefined` when only jose can decide: then call {@link verifySignatureWithJose}.
   */
  checkDecoded: (token: string, decoded: DecodedSignatureInput, key: SigningKey) => boolean | undefined;
  /**
   * `checkDecoded`, with the signature checked on libuv's thread pool (`verify`'s callback form): a
   * promise of the verdict. Where that form is missing, `checkDecoded`'s verdict.
   */
  checkDecodedOffloaded: (
    token: string,
    decoded: DecodedSignatureInput,
    key: SigningKey,
  ) => MaybePromise<boolean | undefined>;
  /**
   * A token that already passed `decodeToken` (three non-empty base64url segments): the same
   * verdicts as `verify`, without scanning the token's characters again.
   */
  verifyDecoded: SignatureVerifier;
}

/**
 * Creates a signature verifier. With `node:crypto` (found by {@link loadNodeCrypto} on Node.js),
 * well-formed tokens are checked against a `KeyObject` made once per key; anything that path cannot
 * judge exactly as jose would goes to jose. With `null`, jose checks everything.
 * Default: `loadNodeCrypto() ?? null`.
 */
export function createSignatureVerifier(
  nodeCrypto: NodeCrypto | null = loadNodeCrypto() ?? null,
): SignatureVerifiers {
  if (nodeCrypto === null) {
    return {
      verify: verifySignatureWithJose,
      checkDecoded: () => undefined,
      checkDecodedOffloaded: () => undefined,
      verifyDecoded: verifySignatureWithJose,
    };
  }
  const native = createNodeSignatureVerifier(nodeCrypto);
  const settle = (verdict: boolean | undefined, token: string, key: SigningKey): Promise<void> => {
    if (verdict === true) return RESOLVED;
    if (verdict === false) return Promise.reject(new InvalidTokenError("ERR_TOKEN_SIGNATURE"));
    return verifySignatureWithJose(token, key);
  };
  return {
    verify: (token, key) => settle(native.verify(token, key), token, key),
    checkDecoded: native.verifyDecoded,
    checkDecodedOffloaded: native.verifyDecodedOffloaded,
    verifyDecoded: (token, key) => settle(native.verifyWellFormed(token, key), token, key),
  };
}

let shared: SignatureVerifiers | undefined;

/**
 * Verifies a compact JWS signature with `key`. Throws `InvalidTokenError` (`ERR_TOKEN_SIGNATURE`,
 * `ERR_TOKEN_MALFORMED`, `ERR_TOKEN_ALGORITHM`, `ERR_TOKEN_HEADER_UNSUPPORTED`).
 *
 * On Node.js, `node:crypto` checks well-formed tokens (about twice jose's WebCrypto throughput);
 * everything else, and every other runtime, goes to jose. See {@link createSignatureVerifier}.
 */
export function verifySignature(token: string, key: SigningKey): Promise<void> {
  shared ??= createSignatureVerifier();
  return shared.verify(token, key);
}

/**
 * The synchronous `node:crypto` verdict on a token that already passed `decodeToken`: `true`,
 * `false` (a bad signature), or `undefined` when {@link verifySignatureWithJose} must decide.
 * {@link verifyDecodedSignature} is this, then jose when it answers `undefined`.
 */
export function checkDecodedSignature(
  token: string,
  decoded: DecodedSignatureInput,
  key: SigningKey,
): boolean | undefined {
  shared ??= createSignatureVerifier();
  return shared.checkDecoded(token, decoded, key);
}

/** {@link verifySignature} for a token that already passed `decodeToken`. */
export function verifyDecodedSignature(token: string, key: SigningKey): Promise<void> {
  shared ??= createSignatureVerifier();
  return shared.verifyDecoded(token, key);
}

/** The signature step for a verdict: nothing to wait for, a bad signature thrown, or jose's promise. */
function step(verdict: boolean | undefined, token: string, key: SigningKey): Promise<void> | undefined {
  if (verdict === true) return undefined;
  if (verdict === false) throw new InvalidTokenError("ERR_TOKEN_SIGNATURE");
  return verifySignatureWithJose(token, key);
}

/**
 * The signature step, for a token `decodeToken` accepted: `undefined` once `node:crypto` found the
 * signature valid, `InvalidTokenError` (`ERR_TOKEN_SIGNATURE`) thrown when it is not, and jose's
 * verdict as a promise when only jose can decide.
 */
export function checkSignature(
  token: string,
  decoded: DecodedSignatureInput,
  key: SigningKey,
): Promise<void> | undefined {
  return step(checkDecodedSignature(token, decoded, key), token, key);
}

/**
 * {@link checkSignature} with `node:crypto`'s check made on libuv's thread pool (the verifier's
 * `offloadSignatures`): a promise that rejects with `InvalidTokenError` (`ERR_TOKEN_SIGNATURE`) when
 * the signature is bad, so the event loop serves other requests meanwhile. The same verdicts: what
 * this path does not judge goes to jose, and where `verify` has no callback form (found by a
 * known-answer check) the check is made now, as by {@link checkSignature}.
 */
export function checkSignatureOffloaded(
  token: string,
  decoded: DecodedSignatureInput,
  key: SigningKey,
): Promise<void> | undefined {
  shared ??= createSignatureVerifier();
  const verdict = shared.checkDecodedOffloaded(token, decoded, key);
  if (verdict instanceof Promise) return verdict.then((answer) => step(answer, token, key));
  return step(verdict, token, key);
}
