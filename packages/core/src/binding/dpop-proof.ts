import { andThen, type MaybePromise } from "../base/maybe.js";
import type { VerifiedToken } from "../base/types.js";
import type { ScopegateEventListener } from "../events/scopegate-event.js";
import { readHeader } from "../http/bearer.js";
import { type InvalidDpopProofCode } from "../http/error-codes.js";
import { DpopNonceError, InvalidDpopProofError, isBearerError } from "../http/errors.js";
import { DpopReplayUnavailableError } from "../http/unavailable-errors.js";
import { verifySignatureWithJose } from "../signature/signature.js";
import type { BindingContext } from "./binding-context.js";
import { sha256Base64url } from "./digest.js";
import type { ResolvedDpopOptions } from "./dpop-options.js";
import { createProofDecoder, type DecodedProof } from "./dpop-proof-format.js";
import { expectedHtu, forwardedOrigin, normalizeHtu, type PublicUrl } from "./htu.js";
import { createProofKeys, type ProofKey } from "./proof-keys.js";

/** Longest accepted `jti`: RFC 9449 asks for 96 bits of randomness, a few dozen characters. */
const MAX_JTI_LENGTH = 256;

const fail = (code: InvalidDpopProofCode): never => {
  throw new InvalidDpopProofError(code);
};

/** Checks a request's DPoP proof against the token it came with. */
export interface DpopProofCheck {
  /**
   * RFC 9449 §4.3 and §7.1 for a token bound with `cnf.jkt`, sent with the DPoP scheme: the result,
   * at hand when nothing had to be waited for (a key seen before, the `node:crypto` signature path,
   * an in-memory replay store). Throws (or rejects with) `InvalidDpopProofError`, `DpopNonceError`
   * or `DpopReplayUnavailableError`.
   */
  check(verified: VerifiedToken, context: BindingContext): MaybePromise<VerifiedToken>;
}

/** The one proof a request must carry (RFC 9449 §4.3 check 1). */
function theProof(context: BindingContext): string {
  if (context.dpopProofs.length === 0) fail("ERR_DPOP_PROOF_MISSING");
  if (context.dpopProofs.length > 1) fail("ERR_DPOP_PROOF_MULTIPLE");
  return context.dpopProofs[0] as string;
}

/** Where the request was sent, as the proof's `htu` must say: the configured URL(s), or a trusted proxy's. */
function publicUrlsFor(context: BindingContext, options: ResolvedDpopOptions): readonly PublicUrl[] {
  if (!options.trustProxy) return options.publicUrls;
  const headers = context.request?.headers;
  const first = (name: string): string | undefined => {
    const value = headers === undefined ? undefined : readHeader(headers, name);
    return typeof value === "string" ? value : value?.[0];
  };
  const origin = forwardedOrigin(first("x-forwarded-proto"), first("x-forwarded-host"));
  return origin === undefined ? [] : [origin];
}

function checkHtu(htu: unknown, context: BindingContext, options: ResolvedDpopOptions): void {
  const given = typeof htu === "string" ? normalizeHtu(htu) : undefined;
  const path = context.path;
  if (given === undefined || path === undefined) throw new InvalidDpopProofError("ERR_DPOP_PROOF_URL");
  for (const publicUrl of publicUrlsFor(context, options)) {
    if (expectedHtu(publicUrl, path) === given) return;
  }
  fail("ERR_DPOP_PROOF_URL");
}

/**
 * `ath` values of tokens seen (RFC 9449 §4.3 check 11): a token cache hands the same `VerifiedToken`
 * for the same token, whose hash is then computed once.
 */
const tokenHashes = new WeakMap<VerifiedToken, string>();

function tokenHashOf(verified: VerifiedToken): MaybePromise<string> {
  const known = tokenHashes.get(verified);
  if (known !== undefined) return known;
  return andThen(sha256Base64url(verified.token), (hash) => {
    tokenHashes.set(verified, hash);
    return hash;
  });
}

/** Checks 8-12 of RFC 9449 §4.3 and the token binding of §7.1 (no nonce, no replay yet). */
function checkClaims(
  proof: DecodedProof,
  key: ProofKey,
  verified: VerifiedToken,
  context: BindingContext,
  options: ResolvedDpopOptions,
  nowSec: number,
): MaybePromise<void> {
  const { jti, htm, htu, iat, ath } = proof.claims;
  if (typeof jti !== "string" || jti.length === 0 || jti.length > MAX_JTI_LENGTH) fail("ERR_DPOP_PROOF_ID");
  if (typeof htm !== "string" || htm !== context.method) fail("ERR_DPOP_PROOF_METHOD");
  checkHtu(htu, context, options);
  if (
    typeof iat !== "number" ||
    !Number.isFinite(iat) ||
    iat < nowSec - options.maxAgeSec ||
    iat > nowSec + options.clockToleranceSec
  ) {
    fail("ERR_DPOP_PROOF_TIME");
  }
  if (key.thumbprint !== verified.binding?.thumbprint) fail("ERR_DPOP_PROOF_KEY_MISMATCH");
  if (typeof ath !== "string") return fail("ERR_DPOP_PROOF_TOKEN_HASH");
  return andThen(tokenHashOf(verified), (expected) => {
    if (ath !== expected) fail("ERR_DPOP_PROOF_TOKEN_HASH");
  });
}

/** RFC 9449 §4.3 check 7: the proof is signed by its own `jwk` (`node:crypto` where it decides, else jose). */
function checkSignature(proof: string, decoded: DecodedProof, key: ProofKey): MaybePromise<void> {
  const verdict = key.checkSignature(proof, decoded);
  if (verdict === true) return undefined;
  if (verdict === false) return fail("ERR_DPOP_PROOF_SIGNATURE");
  return key.joseKey().then((joseKey) =>
    verifySignatureWithJose(proof, joseKey).catch((cause: unknown) => {
      throw new InvalidDpopProofError("ERR_DPOP_PROOF_SIGNATURE", { cause });
    }),
  );
}

/** A store that cannot answer fails the request (503), never lets it through. */
function unavailable(cause: unknown): never {
  throw isBearerError(cause) ? cause : new DpopReplayUnavailableError({ cause });
}

/** Records the proof's `jti`; a second use is refused, and reported to `onReplay` (if anyone listens). */
function markUsed(
  options: ResolvedDpopOptions,
  replayKey: string,
  expiresAtMs: number,
  onReplay: (() => void) | undefined,
): MaybePromise<void> {
  let first: MaybePromise<boolean>;
  try {
    first = options.replayStore.markUsed(replayKey, expiresAtMs);
  } catch (cause) {
    return unavailable(cause);
  }
  const judge = (isFirst: boolean) => {
    if (isFirst === true) return;
    onReplay?.();
    fail("ERR_DPOP_PROOF_REPLAYED");
  };
  return first instanceof Promise ? first.then(judge, unavailable) : judge(first);
}

/** Creates the DPoP proof check of a verifier; `emit` receives `replay_detected` (none: nothing is built). */
export function createDpopProofCheck(
  options: ResolvedDpopOptions,
  clock: () => number,
  emit?: ScopegateEventListener,
): DpopProofCheck {
  const proofKeys = createProofKeys();
  const decodeProof = createProofDecoder(options.algorithms, options.maxProofBytes);
  const nonces = options.nonce;

  /** RFC 9449 §9: a proof must carry a nonce this server issued, still fresh. Resolves its age. */
  const checkNonce = (proof: DecodedProof): MaybePromise<number | undefined> => {
    if (nonces === null) return undefined;
    return andThen(nonces.ageOf(proof.claims.nonce), (age) => {
      if (age !== undefined) return age;
      return andThen(nonces.issue(), (nonce) => {
        throw new DpopNonceError({ nonce });
      });
    });
  };

  /** The result, with a fresh `DPoP-Nonce` to send once the one used is due for renewal. */
  const result = (verified: VerifiedToken, nonceAge: number | undefined): MaybePromise<VerifiedToken> => {
    if (nonces === null || nonceAge === undefined || nonceAge < nonces.refreshAfterSec) return verified;
    return andThen(nonces.issue(), (nonce) =>
      Object.freeze({ ...verified, responseHeaders: Object.freeze({ "DPoP-Nonce": nonce }) }),
    );
  };

  const accept = (
    proof: DecodedProof,
    key: ProofKey,
    verified: VerifiedToken,
    context: BindingContext,
  ): MaybePromise<VerifiedToken> => {
    const nowSec = clock() / 1000;
    return andThen(checkClaims(proof, key, verified, context, options, nowSec), () =>
      andThen(
        guarded(() => checkNonce(proof)),
        (nonceAge) => {
          const expiresAtMs =
            ((proof.claims.iat as number) + options.maxAgeSec + options.clockToleranceSec) * 1000;
          return andThen(sha256Base64url(`${key.thumbprint}.${proof.claims.jti as string}`), (replayKey) =>
            andThen(
              markUsed(
                options,
                replayKey,
                expiresAtMs,
                emit && (() => emit({ type: "replay_detected", binding: "dpop", issuer: verified.issuer })),
              ),
              () => result(verified, nonceAge),
            ),
          );
        },
      ),
    );
  };

  return {
    check(verified, context) {
      const proof = theProof(context);
      const decoded = decodeProof(proof);
      return andThen(proofKeys.keyOf(decoded.header.jwk, decoded.header.alg), (key) =>
        andThen(checkSignature(proof, decoded, key), () => accept(decoded, key, verified, context)),
      );
    },
  };
}

/** Runs a step whose failure to reach its secret source (not a nonce error) fails with 503. */
function guarded<T>(step: () => MaybePromise<T>): MaybePromise<T> {
  try {
    const value = step();
    return value instanceof Promise ? value.catch(unavailable) : value;
  } catch (cause) {
    return unavailable(cause);
  }
}
