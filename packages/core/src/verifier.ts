import type { HeadersLike, JwtClaims, JwtHeader, RequestLike, VerifiedToken } from "./base/types.js";
import {
  type BearerExtractionOptions,
  extractBearerCredentials,
  extractBearerToken,
  type KnownToken,
} from "./http/bearer.js";
import {
  type BearerError,
  type ChallengeContext,
  InvalidTokenError,
  isBearerError,
  withChallenge,
} from "./http/errors.js";
import { createDiscovery, type Discovery } from "./keys/discovery.js";
import { createJwksCache, type JwksCache, type SigningKey } from "./keys/jwks-cache.js";
import type { KeySelector } from "./keys/key-selection.js";
import {
  type ResolvedVerifierOptions,
  resolveVerifierOptions,
  type VerifierOptions,
} from "./options/verifier-options.js";
import { checkDecodedSignature, verifySignatureWithJose } from "./signature/signature.js";
import { checkClaims, checkTokenType, clientIdOf, isAllowedIssuer } from "./token/claims.js";
import { readFrozenScopes, requireScopes, type ScopeRequirement } from "./token/scopes.js";
import {
  type CachedVerification,
  createTokenCache,
  isSameSigningKey,
  type TokenCache,
} from "./token/token-cache.js";
import { type DecodedToken, decodeToken } from "./token/token-format.js";

export interface Verifier {
  /** Verifies a compact JWT. Resolves a {@link VerifiedToken}; rejects only with scopegate errors. */
  verify(token: string): Promise<VerifiedToken>;
  /** Extracts the bearer token from a request (or its headers) and verifies it. */
  authenticate(request: RequestLike | HeadersLike): Promise<VerifiedToken>;
  /** Extracts the bearer token without verifying it. Throws scopegate errors. */
  extract(request: RequestLike | HeadersLike): string;
  /** Throws `InsufficientScopeError` (with this verifier's realm and `resource_metadata`) unless the token has the scopes. */
  requireScopes(token: VerifiedToken, requirement: ScopeRequirement): void;
  /** Resolves every issuer's JWKS now; rejects with `JwksUnavailableError` if one cannot be had. */
  warm(): Promise<void>;
  /** The validated options, with defaults applied. */
  readonly options: Readonly<ResolvedVerifierOptions>;
}

/**
 * Creates a verifier for bearer JWTs. Options are validated now: a missing `issuer` or `audience`,
 * `none` or an HS* algorithm, or a non-https key URL throws a `TypeError` that says how to fix it.
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
    issuers: resolved.issuers.filter((iss) => !resolved.jwksUris.has(iss)),
  });
  const extraction: BearerExtractionOptions = {
    allowQueryToken: resolved.allowQueryToken,
    allowBodyToken: resolved.allowBodyToken,
  };
  const challenge: ChallengeContext = resolved;
  const scopeOptions = {
    realm: resolved.realm,
    resourceMetadata: resolved.resourceMetadataUrl ?? undefined,
  };

  const jwksUriFor = (issuer: string): Promise<string> => {
    const configured = resolved.jwksUris.get(issuer);
    return configured !== undefined ? Promise.resolve(configured) : discovery.jwksUri(issuer);
  };

  const tokenCache: TokenCache | null = resolved.tokenCache && createTokenCache(resolved.tokenCache);
  const known: KnownToken | undefined = tokenCache === null ? undefined : (token) => tokenCache.has(token);

  async function runValidators(claims: Readonly<JwtClaims>, header: Readonly<JwtHeader>): Promise<void> {
    for (const validator of resolved.validators) {
      let accepted: unknown;
      try {
        accepted = await validator(claims, header);
      } catch (cause) {
        throw isBearerError(cause) ? cause : new InvalidTokenError("ERR_TOKEN_REJECTED", { cause });
      }
      if (accepted === false) throw new InvalidTokenError("ERR_TOKEN_REJECTED");
    }
  }

  /** Checks that depend on the clock or on the caller's validators: run on every use, cached or not. */
  function checkCurrent(claims: Readonly<JwtClaims>, header: Readonly<JwtHeader>): Promise<void> | undefined {
    checkClaims(claims, resolved, resolved.clock() / 1000);
    return resolved.validators.length === 0 ? undefined : runValidators(claims, header);
  }

  /**
   * Verifies `token`. Synchronous while everything it needs is at hand (a cached token or a cached
   * key, the `node:crypto` signature path, no validators); a promise only where something has to be
   * waited for. Throws (or rejects with) whatever failed first, in the same order either way.
   */
  function verifyNow(token: string): VerifiedToken | Promise<VerifiedToken> {
    const cached = tokenCache?.get(token, resolved.clock());
    if (cached !== undefined) {
      const reused = reuse(token, cached);
      if (reused instanceof Promise) {
        return reused.then((verified) => verified ?? verifyFresh(token));
      }
      if (reused !== undefined) return reused;
    }
    return verifyFresh(token);
  }

  function verifyFresh(token: string): VerifiedToken | Promise<VerifiedToken> {
    const decoded = decodeToken(token, resolved.algorithms, resolved.maxTokenBytes);
    const { header, claims } = decoded;
    checkTokenType(header, resolved.tokenType);
    // Nothing is fetched for an issuer that is not configured.
    if (!isAllowedIssuer(claims.iss, resolved.issuers)) throw new InvalidTokenError("ERR_TOKEN_ISSUER");
    const selector = { alg: header.alg, kid: header.kid };
    const jwksUri = resolved.jwksUris.get(claims.iss);
    const key = jwksUri === undefined ? undefined : jwksCache.peekKey?.(jwksUri, selector);
    if (key !== undefined) return verifyWithKey(token, decoded, selector, key);
    return (async () => {
      const uri = jwksUri ?? (await discovery.jwksUri(claims.iss as string));
      const fetched = await jwksCache.getKey(uri, selector);
      return verifyWithKey(token, decoded, selector, fetched);
    })();
  }

  function verifyWithKey(
    token: string,
    decoded: DecodedToken,
    selector: KeySelector,
    key: SigningKey,
  ): VerifiedToken | Promise<VerifiedToken> {
    const verdict = checkDecodedSignature(token, decoded, key);
    if (verdict === false) throw new InvalidTokenError("ERR_TOKEN_SIGNATURE");
    const { header, claims } = decoded;
    if (verdict === undefined) {
      return verifySignatureWithJose(token, key).then(() => accept(token, header, claims, selector, key));
    }
    return accept(token, header, claims, selector, key);
  }

  /** A token whose signature checked out: the checks of the moment, then the result (and the cache). */
  function accept(
    token: string,
    header: JwtHeader,
    claims: JwtClaims,
    selector: KeySelector,
    key: SigningKey,
  ): VerifiedToken | Promise<VerifiedToken> {
    const validating = checkCurrent(claims, header);
    if (validating !== undefined)
      return validating.then(() => remember(token, header, claims, selector, key));
    return remember(token, header, claims, selector, key);
  }

  function remember(
    token: string,
    header: JwtHeader,
    claims: JwtClaims,
    selector: KeySelector,
    key: SigningKey,
  ): VerifiedToken {
    const verified = toVerifiedToken(
      token,
      header,
      claims,
      claims.iss as string,
      resolved.scopeClaims,
      resolved.clientIdClaims,
    );
    if (tokenCache !== null) {
      const expiresAtMs = ((claims.exp as number) + resolved.clockToleranceSec) * 1000;
      tokenCache.set(token, { verified, selector, key, expiresAtMs });
    }
    return verified;
  }

  /**
   * A cached token: the JWKS must still give the key that verified it, and the claim checks and
   * validators must pass again now. `undefined` when the key changed (verify afresh); a failure drops
   * the entry and is thrown as on a first verification. Synchronous when the key is at hand and
   * there are no validators.
   */
  function reuse(
    token: string,
    entry: CachedVerification,
  ): VerifiedToken | undefined | Promise<VerifiedToken | undefined> {
    const { verified } = entry;
    const jwksUri = resolved.jwksUris.get(verified.issuer);
    const key = jwksUri === undefined ? undefined : jwksCache.peekKey?.(jwksUri, entry.selector);
    if (key === undefined) {
      return (async () => {
        try {
          const uri = jwksUri ?? (await discovery.jwksUri(verified.issuer));
          return await reuseWithKey(token, entry, await jwksCache.getKey(uri, entry.selector));
        } catch (error) {
          tokenCache?.delete(token);
          throw error;
        }
      })();
    }
    try {
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
  ): VerifiedToken | undefined | Promise<VerifiedToken> {
    if (!isSameSigningKey(entry.key, key)) {
      tokenCache?.delete(token);
      return undefined;
    }
    const { verified } = entry;
    const validating = checkCurrent(verified.claims, verified.header);
    return validating === undefined ? verified : validating.then(() => verified);
  }

  function dropAndThrow(token: string, error: unknown): never {
    tokenCache?.delete(token);
    throw error;
  }

  /** One promise for the caller, with errors as scopegate errors. */
  function settled(result: VerifiedToken | Promise<VerifiedToken>): Promise<VerifiedToken> {
    return result instanceof Promise ? result.catch(rejectAsBearerError) : Promise.resolve(result);
  }
  const rejectAsBearerError = (error: unknown): Promise<never> =>
    Promise.reject(asBearerError(error, challenge));

  const verifier: Verifier = {
    verify(token) {
      try {
        return settled(verifyNow(token));
      } catch (error) {
        return rejectAsBearerError(error);
      }
    },
    authenticate(request) {
      try {
        return settled(verifyNow(extractBearerCredentials(request, extraction, known)));
      } catch (error) {
        return rejectAsBearerError(error);
      }
    },
    extract(request) {
      try {
        return extractBearerToken(request, extraction);
      } catch (error) {
        throw asBearerError(error, challenge);
      }
    },
    requireScopes(token, requirement) {
      requireScopes(token, requirement, scopeOptions);
    },
    async warm() {
      try {
        await Promise.all(resolved.issuers.map(async (iss) => jwksCache.warm(await jwksUriFor(iss))));
      } catch (error) {
        throw asBearerError(error, challenge);
      }
    },
    options: resolved,
  };
  return verifier;
}

/** Fail closed: anything that is not already a scopegate error becomes a 401 `ERR_TOKEN_REJECTED`. */
function asBearerError(error: unknown, challenge: ChallengeContext): BearerError {
  const bearer = isBearerError(error) ? error : new InvalidTokenError("ERR_TOKEN_REJECTED", { cause: error });
  return withChallenge(bearer, challenge);
}

function toVerifiedToken(
  token: string,
  header: JwtHeader,
  claims: JwtClaims,
  issuer: string,
  scopeClaims: readonly string[],
  clientIdClaims: readonly string[],
): VerifiedToken {
  const clientId = clientIdOf(claims, clientIdClaims);
  return Object.freeze({
    token,
    header, // frozen when decoded (decodeToken), and shared by the tokens that spell it alike
    claims: Object.freeze(claims),
    scopes: readFrozenScopes(claims, scopeClaims),
    subject: claims.sub,
    clientId,
    issuer,
    expiresAt: new Date((claims.exp as number) * 1000),
  });
}
