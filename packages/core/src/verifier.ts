import type { MaybePromise } from "./base/maybe.js";
import type { HeadersLike, RequestLike, VerifiedToken } from "./base/types.js";
import { type BindingStep, createBindingStep } from "./binding/binding-step.js";
import {
  type BearerExtractionOptions,
  type CredentialScheme,
  extractCredentials,
  requireB64token,
} from "./http/bearer.js";
import type { ChallengeScheme } from "./http/challenge.js";
import {
  type BearerError,
  type ChallengeContext,
  InvalidTokenError,
  isBearerError,
  withChallenge,
} from "./http/errors.js";
import { createIntrospector, type Introspector } from "./introspection/introspector.js";
import { createDiscovery, type Discovery } from "./keys/discovery.js";
import { globalFetch } from "./keys/fetch-json.js";
import { createJwksCache, type JwksCache, type SigningKey } from "./keys/jwks-cache.js";
import { createKeyLookup, type KeyLookup } from "./keys/key-lookup.js";
import { type AuthReadiness, checkKeyReadiness } from "./keys/key-readiness.js";
import type { KeySelector } from "./keys/key-selection.js";
import { resolveVerifierOptions } from "./options/resolve-verifier-options.js";
import type { ResolvedVerifierOptions, VerifierOptions } from "./options/verifier-options.js";
import { checkSignature, checkSignatureOffloaded } from "./signature/signature.js";
import { checkIssuer, checkTokenType } from "./token/claims.js";
import { checkCachedClaims, checkCurrentClaims, runValidators } from "./token/current-claims.js";
import { requireScopes, type ScopeRequirement } from "./token/scopes.js";
import {
  type CachedVerification,
  createTokenCache,
  isSameSigningKey,
  type TokenCache,
} from "./token/token-cache.js";
import { type DecodedToken, decodeToken } from "./token/token-format.js";
import { toVerifiedToken } from "./token/verified-token.js";
import { createVerifierEvents } from "./verifier-events.js";

export interface Verifier {
  /**
   * Verifies a compact JWT, as if it came as `Authorization: Bearer` with nothing else: a token bound
   * to a DPoP key or a certificate fails (its proof is in the request: use `authenticate`). Resolves a
   * {@link VerifiedToken}; rejects only with scopegate errors.
   */
  verify(token: string): Promise<VerifiedToken>;
  /**
   * Extracts the access token from a request (or its headers), verifies it and checks its binding
   * against the request (DPoP proof, client certificate).
   */
  authenticate(request: RequestLike | HeadersLike): Promise<VerifiedToken>;
  /**
   * `authenticate`, without a promise where none is needed: the token itself when the outcome is at
   * hand now (a token the cache holds, its key in memory, no proof or fetch to wait for), a promise
   * of it otherwise. Throws, or rejects with, the same errors. For adapters and other hot paths
   * (`authenticateThen` and `authenticateNow` in core use it); optional, so that a `Verifier` of
   * your own needs only `authenticate`.
   */
  authenticateNow?(request: RequestLike | HeadersLike): VerifiedToken | Promise<VerifiedToken>;
  /** Extracts the access token without verifying it. Throws scopegate errors. */
  extract(request: RequestLike | HeadersLike): string;
  /** Throws `InsufficientScopeError` (with this verifier's realm and `resource_metadata`) unless the token has the scopes. */
  requireScopes(token: VerifiedToken, requirement: ScopeRequirement): void;
  /** Resolves every issuer's JWKS now; rejects with `JwksUnavailableError` if one cannot be had. */
  warm(): Promise<void>;
  /**
   * Every issuer's keys (fresh, stale or missing, age, last fetch error) and an overall `ok`, as JSON
   * for a readiness probe. Missing keys are fetched first. Never rejects.
   */
  readiness(): Promise<AuthReadiness>;
  /** The validated options, with defaults applied. */
  readonly options: Readonly<ResolvedVerifierOptions>;
}

/** The challenge that carries a failure of a request made with `scheme`. */
const CHALLENGE_OF: Readonly<Record<CredentialScheme, ChallengeScheme>> = { bearer: "Bearer", dpop: "DPoP" };

/**
 * Creates a verifier for bearer JWTs. Options are validated now: a missing `issuer` or `audience`,
 * `none` or an HS* algorithm, or a non-https key URL throws a `TypeError` that says how to fix it.
 *
 * The verification path is a list of named steps, each in its concept's folder:
 * decode → type → issuer → key → signature → claims → result (kept by the token cache), then, on
 * every request, cached or not, binding (the token's `cnf` against what the request proves).
 */
export function createVerifier(options: VerifierOptions): Verifier {
  const resolved = resolveVerifierOptions(options);
  const fetchImpl = options.fetch;
  const jwksCache: JwksCache =
    options.jwksCache ??
    createJwksCache({
      ...(fetchImpl ? { fetch: fetchImpl } : {}),
      ...(options.clock ? { clock: options.clock } : {}),
      ...options.jwks,
    });
  const discovery: Discovery = createDiscovery({
    ...(fetchImpl ? { fetch: fetchImpl } : {}),
    ...(options.discoveryTimeoutMs !== undefined ? { timeoutMs: options.discoveryTimeoutMs } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
    ...options.discovery,
    // Discovery refuses any issuer but the configured ones on its own, behind the verifier's `iss` check.
    issuers: resolved.issuers.filter(
      (iss) =>
        !resolved.jwksUris.has(iss) ||
        (resolved.introspection?.issuer === iss && !resolved.introspection.endpoint),
    ),
  });
  const events = createVerifierEvents(resolved.onEvent, options.jwksCache ? undefined : jwksCache, discovery);
  const keys: KeyLookup = createKeyLookup({ jwksCache, discovery, jwksUris: resolved.jwksUris });
  const binding: BindingStep = createBindingStep(
    resolved.dpop,
    resolved.clientCertificate,
    resolved.clock,
    events?.emit,
  );
  const extraction: BearerExtractionOptions = {
    allowQueryToken: resolved.allowQueryToken,
    allowBodyToken: resolved.allowBodyToken,
  };
  const challenge: ChallengeContext = {
    realm: resolved.realm,
    resourceMetadataUrl: resolved.resourceMetadataUrl,
    schemes: binding.challenges,
  };
  const scopeOptions = {
    realm: resolved.realm,
    resourceMetadata: resolved.resourceMetadataUrl ?? undefined,
  };

  const tokenCache: TokenCache | null = resolved.tokenCache && createTokenCache(resolved.tokenCache);
  const introspector: Introspector | null =
    resolved.introspection &&
    createIntrospector(resolved.introspection, {
      fetch: fetchImpl ?? globalFetch,
      clock: resolved.clock,
      algorithms: resolved.algorithms,
      claims: resolved,
      maxTokenBytes: resolved.maxTokenBytes,
      discoverEndpoint: (issuer) => discovery.introspectionEndpoint?.(issuer) ?? Promise.resolve(undefined),
      emit: events?.emit,
      answerKey: async (selector) =>
        jwksCache.getKey(await keys.jwksUriFor(resolved.introspection?.issuer as string), selector),
      ...(resolved.validators.length > 0
        ? { validate: (claims, header) => runValidators(claims, header, resolved.validators) }
        : {}),
    });
  const signatureStep = resolved.offloadSignatures ? checkSignatureOffloaded : checkSignature;

  /**
   * The token's own checks: served by the token cache when it holds the token (the key and the
   * claims are checked again), the steps otherwise. Synchronous while everything is at hand (a cached
   * token or key, the `node:crypto` signature path, no validators); a promise only where something
   * has to be waited for. Throws (or rejects with) whatever failed first, in the same order either way.
   */
  function verifyToken(token: string, unscanned: boolean): MaybePromise<VerifiedToken> {
    if (introspector?.handles(token)) {
      if (unscanned) requireB64token(token);
      return introspector.verify(token); // an opaque token: RFC 7662
    }
    const cached = tokenCache?.get(token, resolved.clock());
    if (cached !== undefined) {
      const reused = reuse(token, cached);
      if (reused instanceof Promise) return reused.then((verified) => verified ?? verifyFresh(token, false));
      if (reused !== undefined) return reused;
    }
    return verifyFresh(token, unscanned);
  }

  /** `decodeToken`; for a token extraction did not scan, a failure is first a b64token question (400). */
  function decode(token: string, unscanned: boolean): DecodedToken {
    try {
      return decodeToken(token, resolved.algorithms, resolved.maxTokenBytes);
    } catch (error) {
      if (unscanned) requireB64token(token);
      throw error;
    }
  }

  function verifyFresh(token: string, unscanned: boolean): MaybePromise<VerifiedToken> {
    const decoded = decode(token, unscanned); // decode
    checkTokenType(decoded.header, resolved.tokenType); // type
    const issuer = checkIssuer(decoded.claims, resolved.issuers); // issuer: nothing is fetched for another
    const selector: KeySelector = { alg: decoded.header.alg, kid: decoded.header.kid };
    const key = keys.keyFor(issuer, selector); // key
    if (key instanceof Promise) return key.then((found) => withKey(token, decoded, selector, found));
    return withKey(token, decoded, selector, key);
  }

  function withKey(
    token: string,
    decoded: DecodedToken,
    selector: KeySelector,
    key: SigningKey,
  ): MaybePromise<VerifiedToken> {
    const signing = signatureStep(token, decoded, key); // signature (on the thread pool with offloadSignatures)
    if (signing !== undefined) return signing.then(() => withSignature(token, decoded, selector, key));
    return withSignature(token, decoded, selector, key);
  }

  function withSignature(
    token: string,
    decoded: DecodedToken,
    selector: KeySelector,
    key: SigningKey,
  ): MaybePromise<VerifiedToken> {
    const checking = checkCurrentClaims(decoded.claims, decoded.header, resolved); // claims
    if (checking !== undefined) return checking.then(() => result(token, decoded, selector, key));
    return result(token, decoded, selector, key);
  }

  function result(
    token: string,
    decoded: DecodedToken,
    selector: KeySelector,
    key: SigningKey,
  ): VerifiedToken {
    const verified = toVerifiedToken(token, decoded.header, decoded.claims, resolved); // result
    if (tokenCache !== null) {
      const expiresAtMs = ((decoded.claims.exp as number) + resolved.clockToleranceSec) * 1000;
      tokenCache.set(token, { verified, selector, key, expiresAtMs });
    }
    return verified;
  }

  /**
   * A cached token: the JWKS must still give the key that verified it, and the claims step must pass
   * again now (its clock checks and validators: the rest cannot have changed). `undefined` when the
   * key changed (verify afresh); a failure drops the entry and is thrown as on a first verification.
   */
  function reuse(token: string, entry: CachedVerification): MaybePromise<VerifiedToken | undefined> {
    let key: MaybePromise<SigningKey>;
    try {
      key = keys.keyFor(entry.verified.issuer, entry.selector);
      if (key instanceof Promise) {
        return key
          .then((found) => reuseWithKey(token, entry, found))
          .catch((error) => dropAndThrow(token, error));
      }
      const reused = reuseWithKey(token, entry, key);
      return reused instanceof Promise ? reused.catch((error) => dropAndThrow(token, error)) : reused;
    } catch (error) {
      return dropAndThrow(token, error);
    }
  }

  function reuseWithKey(
    token: string,
    entry: CachedVerification,
    key: SigningKey,
  ): MaybePromise<VerifiedToken | undefined> {
    if (!isSameSigningKey(entry.key, key)) {
      tokenCache?.delete(token);
      return undefined;
    }
    const { verified } = entry;
    events?.fromCache.add(verified);
    const checking = checkCachedClaims(verified.claims, verified.header, resolved);
    return checking === undefined ? verified : checking.then(() => verified);
  }

  function dropAndThrow(token: string, error: unknown): never {
    tokenCache?.delete(token);
    throw error;
  }

  /** Fail closed: anything that is not already a scopegate error becomes a 401 `ERR_TOKEN_REJECTED`. */
  function asBearerError(error: unknown, scheme: CredentialScheme | undefined): BearerError {
    const bearer = isBearerError(error)
      ? error
      : new InvalidTokenError("ERR_TOKEN_REJECTED", { cause: error });
    return withChallenge(bearer, challenge, scheme && CHALLENGE_OF[scheme]);
  }
  const rejectAs = {
    bearer: (error: unknown): Promise<never> => Promise.reject(asBearerError(error, "bearer")),
    dpop: (error: unknown): Promise<never> => Promise.reject(asBearerError(error, "dpop")),
  } as const;

  /** One promise for the caller, with errors as scopegate errors. */
  function settled(result: MaybePromise<VerifiedToken>, scheme: CredentialScheme): Promise<VerifiedToken> {
    return result instanceof Promise ? result.catch(rejectAs[scheme]) : Promise.resolve(result);
  }

  /** The binding step, on the token's own checks' result. */
  function bound(
    verified: MaybePromise<VerifiedToken>,
    request: RequestLike | HeadersLike | undefined,
    scheme: CredentialScheme,
  ): MaybePromise<VerifiedToken> {
    if (verified instanceof Promise) return verified.then((token) => binding.check(token, request, scheme));
    return binding.check(verified, request, scheme);
  }

  function authenticateNow(request: RequestLike | HeadersLike): VerifiedToken | Promise<VerifiedToken> {
    let scheme: CredentialScheme | undefined;
    try {
      // The b64token scan (~1 µs over a 1 KB token) is left to the token step, which makes it only
      // before introspection and when decoding fails: a token that decodes is base64url, inside b64token.
      const credentials = extractCredentials(request, extraction, binding.schemes, true);
      scheme = credentials.scheme;
      const outcome = bound(verifyToken(credentials.token, true), request, scheme);
      return outcome instanceof Promise ? outcome.catch(rejectAs[scheme]) : outcome;
    } catch (error) {
      throw asBearerError(error, scheme);
    }
  }

  const verifier: Verifier = {
    verify(token) {
      try {
        return settled(bound(verifyToken(token, false), undefined, "bearer"), "bearer");
      } catch (error) {
        return rejectAs.bearer(error);
      }
    },
    authenticate(request) {
      try {
        return Promise.resolve(authenticateNow(request));
      } catch (error) {
        return Promise.reject(error);
      }
    },
    authenticateNow,
    extract(request) {
      try {
        return extractCredentials(request, extraction, binding.schemes, false).token;
      } catch (error) {
        throw asBearerError(error, undefined);
      }
    },
    requireScopes(token, requirement) {
      try {
        requireScopes(token, requirement, scopeOptions);
      } catch (error) {
        throw asBearerError(error, token.binding?.method === "dpop" ? "dpop" : "bearer");
      }
    },
    async warm() {
      try {
        await Promise.all(resolved.issuers.map(async (iss) => jwksCache.warm(await keys.jwksUriFor(iss))));
        await introspector?.warm();
      } catch (error) {
        throw asBearerError(error, undefined);
      }
    },
    readiness: () =>
      checkKeyReadiness({ issuers: resolved.issuers, jwksUriFor: (iss) => keys.jwksUriFor(iss), jwksCache }),
    options: resolved,
  };
  return events === undefined ? verifier : events.observe(verifier);
}
