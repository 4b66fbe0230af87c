import { RemoteFetchError } from "../base/remote-fetch-error.js";
import { isBearerError } from "../http/errors.js";
import type { JwksCache } from "./jwks-cache.js";
import type { KeysState } from "./jwks-status.js";

/** A fetch failure, in words safe to show on an unauthenticated health endpoint. */
export interface ReadinessError {
  /** A `RemoteFetchError` code (`ERR_FETCH_TIMEOUT`, …), or `ERR_JWKS_UNAVAILABLE`. */
  code: string;
  /** Fixed text for the code (with the HTTP status when there was one); never a URL or a stack. */
  message: string;
  /** When it happened (ISO 8601), when known. */
  at: string | null;
}

/** One issuer's keys, as `verifier.readiness()` reports them. */
export interface IssuerReadiness {
  issuer: string;
  /** Where its keys are; `null` while discovery has not found it. */
  jwksUri: string | null;
  /** `"fresh"`, `"stale"` (older than `cacheMaxAgeMs`, still used) or `"missing"` (requests get 503). */
  keys: KeysState;
  /** Seconds since the keys were fetched; `null` when none are cached. */
  ageSec: number | null;
  /** Keys in the cached set. */
  keyCount: number;
  /** The last failed fetch (metadata or JWKS) since the last success; `null` when there is none. */
  lastError: ReadinessError | null;
  /** True when this issuer's tokens can be verified now (keys fresh or stale). */
  ok: boolean;
}

/** What `verifier.readiness()` resolves: JSON-ready, for a readiness probe. */
export interface AuthReadiness {
  /** True when every issuer has usable keys. */
  ok: boolean;
  issuers: IssuerReadiness[];
}

export interface KeyReadinessParts {
  issuers: readonly string[];
  /** The configured or discovered JWKS URI of an issuer; rejects when discovery fails. */
  jwksUriFor(issuer: string): Promise<string>;
  jwksCache: JwksCache;
}

/**
 * Reports every issuer's keys. Keys that are missing are fetched first (`warm`: one fetch shared
 * with requests, no sooner than the failure backoff allows), so a pod becomes ready on its own; fresh
 * or stale keys are only read. Never rejects.
 */
export async function checkKeyReadiness(parts: KeyReadinessParts): Promise<AuthReadiness> {
  const issuers = await Promise.all(parts.issuers.map((issuer) => checkIssuer(parts, issuer)));
  return { ok: issuers.every((issuer) => issuer.ok), issuers };
}

async function checkIssuer(parts: KeyReadinessParts, issuer: string): Promise<IssuerReadiness> {
  let jwksUri: string;
  try {
    jwksUri = await parts.jwksUriFor(issuer);
  } catch (error) {
    return missing(issuer, null, describe(error, undefined));
  }
  const { jwksCache } = parts;
  if (jwksCache.status === undefined) {
    // A cache that cannot tell: warm() resolves only with fresh keys at hand.
    try {
      await jwksCache.warm(jwksUri);
      return { issuer, jwksUri, keys: "fresh", ageSec: null, keyCount: 0, lastError: null, ok: true };
    } catch (error) {
      return missing(issuer, jwksUri, describe(error, undefined));
    }
  }
  let status = jwksCache.status(jwksUri);
  if (status.state === "missing") {
    await jwksCache.warm(jwksUri).catch(() => {});
    status = jwksCache.status(jwksUri);
  }
  const lastError = status.lastError === undefined ? null : describe(status.lastError, status.lastErrorAt);
  return {
    issuer,
    jwksUri,
    keys: status.state,
    ageSec: status.ageMs === undefined ? null : Math.round(status.ageMs / 100) / 10,
    keyCount: status.keyCount,
    lastError,
    ok: status.state !== "missing",
  };
}

function missing(issuer: string, jwksUri: string | null, lastError: ReadinessError): IssuerReadiness {
  return { issuer, jwksUri, keys: "missing", ageSec: null, keyCount: 0, lastError, ok: false };
}

/** Safe words for a failure: the fixed text of a fetch error code, never its URL or its cause. */
function describe(error: unknown, atMs: number | undefined): ReadinessError {
  const cause = isBearerError(error) ? error.cause : error;
  const at = atMs === undefined || !Number.isFinite(atMs) ? null : new Date(atMs).toISOString();
  if (cause instanceof RemoteFetchError) return { code: cause.code, message: cause.description, at };
  return { code: "ERR_JWKS_UNAVAILABLE", message: "The signing keys cannot be obtained", at };
}
