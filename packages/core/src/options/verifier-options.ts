import type { Algorithm } from "../base/algorithms.js";
import { optionKeys, refuseUnknownKeys } from "../base/option-keys.js";
import type {
  ClientCertificateOptions,
  ResolvedClientCertificateOptions,
} from "../binding/certificate-options.js";
import type { DpopOptions, ResolvedDpopOptions } from "../binding/dpop-options.js";
import type { ScopegateEventListener } from "../events/scopegate-event.js";
import type {
  IntrospectionOptions,
  ResolvedIntrospectionOptions,
} from "../introspection/introspection-options.js";
import { DISCOVERY_OPTION_KEYS, type DiscoveryOptions } from "../keys/discovery.js";
import type { FetchLike, JwksCache, JwksCacheOptions } from "../keys/jwks-cache.js";
import { JWKS_CACHE_OPTION_KEYS } from "../keys/jwks-cache-options.js";
import type { TokenTypeMode } from "../token/claims.js";
import type { ClaimValidator } from "../token/current-claims.js";
import type { ScopeClaim } from "../token/scopes.js";
import { TOKEN_CACHE_OPTION_KEYS, type TokenCacheOptions } from "../token/token-cache.js";

export type { ClaimValidator, TokenTypeMode };

/**
 * The audience options: `audience` is required unless `resource` is given (then the resource is the
 * accepted audience). A type error without either, as at run time.
 */
export type AudienceOptions =
  | {
      /**
       * Accepted `aud` value(s); a token passes when any of its audiences is listed. Required unless
       * `resource` is given: pass `null` explicitly to skip the audience check (only when another check
       * binds tokens to this API). Default (with `resource` only): the resource identifier.
       */
      audience: string | readonly string[] | null;
      /**
       * This API's resource identifier (RFC 8707, RFC 9728): an absolute `https:` URI (`http:` only on
       * loopback) without fragment or query. It is kept in canonical form (scheme and host lower-cased,
       * default port and one trailing slash dropped, path otherwise as given), published as `resource`
       * in the protected resource metadata, and, when `audience` is not given, it is the only accepted
       * audience (a token's `aud` matches it in any spelling with the same canonical form).
       * Default: none.
       */
      resource?: string | URL;
    }
  | { audience?: string | readonly string[] | null; resource: string | URL };

/** What `createVerifier()` takes: {@link VerifierBaseOptions} and {@link AudienceOptions}. */
export type VerifierOptions = VerifierBaseOptions & AudienceOptions;

/** Every verifier option but `audience` and `resource` (see {@link AudienceOptions}). */
export interface VerifierBaseOptions {
  /** Accepted `iss` value(s), compared exactly. Required. */
  issuer: string | readonly string[];
  /**
   * The URL of this API's RFC 9728 metadata, added as `resource_metadata="…"` to every
   * `WWW-Authenticate` challenge; `null` for none. Must be `https:` (`http:` only on loopback).
   * Default: with `resource`, its well-known URL (`https://api.example.com/mcp` →
   * `https://api.example.com/.well-known/oauth-protected-resource/mcp`); without, none.
   */
  resourceMetadataUrl?: string | URL | null;
  /**
   * Where the signing keys are: one URL (single issuer) or a map from issuer to URL. Issuers without a
   * URL are discovered from their RFC 8414 / OpenID Connect metadata. Must be `https:`, except on loopback.
   * Default: discovered.
   */
  jwksUri?: string | URL | Readonly<Record<string, string | URL>>;
  /** Accepted signature algorithms (asymmetric only). Default: RS256-512, PS256-512, ES256-512, EdDSA, Ed25519. */
  algorithms?: readonly Algorithm[];
  /** Leeway for `exp`, `nbf` and `iat`, in seconds. Default: `5`. */
  clockToleranceSec?: number;
  /** Rejects tokens whose `iat` is older than this many seconds (requires `iat`). Default: `null` (no limit). */
  maxTokenAgeSec?: number | null;
  /** `typ` header policy. Default: `"lenient"`. */
  tokenType?: TokenTypeMode;
  /** Claims that must be present besides `exp` (always required). Default: `[]`. */
  requiredClaims?: readonly string[];
  /**
   * Claims scopes are read from, in order: a claim's name, or the path of member names to a nested
   * claim (`["realm_access", "roles"]`, `["resource_access", "my-client", "roles"]`). Strings are
   * space-delimited; arrays are taken as they are. A value of another type, or a path that meets a
   * non-object on the way, fails the token (`ERR_TOKEN_CLAIM_INVALID`); an absent one grants
   * nothing. Default: `["scope", "scp"]`.
   */
  scopeClaims?: readonly ScopeClaim[];
  /** Accepted calling clients (the first of `clientIdClaims` present). Default: `null` (any client). */
  allowedClientIds?: readonly string[] | null;
  /**
   * Claims that name the calling client, in order: the first one present is `VerifiedToken.clientId`
   * and is what `allowedClientIds` checks (Okta uses `cid`, Entra v1 `appid`).
   * Default: `["client_id", "azp"]`.
   */
  clientIdClaims?: readonly string[];
  /** Custom checks, run in order after all built-in checks. Default: `[]`. */
  validators?: readonly ClaimValidator[];
  /** The `realm` of every `WWW-Authenticate` challenge. Default: `"api"`. */
  realm?: string;
  /** Largest accepted token, in bytes; larger tokens are rejected before any decoding. Default: `8192`. */
  maxTokenBytes?: number;
  /** Accept `?access_token=` (RFC 6750 §2.3). Default: `false`. */
  allowQueryToken?: boolean;
  /** Accept an `access_token` form-body parameter (RFC 6750 §2.2). Default: `false`. */
  allowBodyToken?: boolean;
  /** A JWKS cache to use (and share between verifiers). Default: a new cache built from `jwks`. */
  jwksCache?: JwksCache;
  /** Options for the verifier's own JWKS cache (ignored when `jwksCache` is given). Default: `{}`. */
  jwks?: JwksCacheOptions;
  /** `fetch` used for discovery (and for the JWKS unless `jwks.fetch` is set). Default: global `fetch`. */
  fetch?: FetchLike;
  /** Discovery request timeout, in milliseconds. Default: `5000`. */
  discoveryTimeoutMs?: number;
  /** Options of the verifier's discovery client (`cacheMaxAgeMs`, `onEvent`, …). Default: `{}`. */
  discovery?: VerifierDiscoveryOptions;
  /** Current time in milliseconds since the epoch. Default: `Date.now`. */
  clock?: () => number;
  /**
   * The verified-token cache. A token is cached from its second successful verification; from then
   * on it skips decoding and the signature check, while the JWKS must still hold the key that
   * verified it and every claim check (against the current clock) and every `validators` entry run
   * again on each use. Failures are never cached. `false` turns it off. Default: `{ maxEntries: 10_000 }` (on).
   */
  tokenCache?: TokenCacheOptions | false;
  /**
   * Check a new token's signature on libuv's thread pool (`crypto.verify` with a callback) instead of
   * on the event loop, which meanwhile serves other requests. The same verdicts, keys and algorithms
   * as the synchronous check (and jose for what neither judges); cached tokens never check a
   * signature. Pays off with more cores than event loops, when cheap routes must stay fast beside a
   * flood of new tokens; it costs a thread hop per new token, and the pool (`UV_THREADPOOL_SIZE`,
   * default 4) is shared with `fs`, `dns.lookup` and zlib. Where `node:crypto` has no callback form
   * (Bun, Deno, workerd), the synchronous check is used. See docs/benchmarks.md, "Signatures on the thread pool".
   * Default: `false`.
   */
  offloadSignatures?: boolean;
  /**
   * DPoP (RFC 9449): sender-constrained tokens proved by a key the client holds. Needs `publicUrl`,
   * where clients reach this service, to check a proof's `htu`. See docs/dpop.md.
   * Default: `{}` (mode `"allowed"` once `publicUrl` is set, `"disabled"` without it).
   */
  dpop?: DpopOptions;
  /**
   * Where the client certificate of certificate-bound tokens (RFC 8705, `cnf["x5t#S256"]`) comes
   * from: the request's TLS socket, or a trusted TLS-terminating proxy's header (`trustedProxy`).
   * See docs/mtls.md. Default: `{ trustedProxy: null }` (the socket only; certificate headers ignored).
   */
  clientCertificate?: ClientCertificateOptions;
  /**
   * Opaque tokens: RFC 7662 introspection at the issuer's endpoint (`clientId` and `clientSecret` or
   * `privateKey` required). Tokens that are not compact JWTs are introspected, JWTs are still
   * verified locally (`tokens: "all"` introspects every token); both give the same `VerifiedToken`
   * and the same errors. See docs/introspection.md. Default: none (JWTs only).
   */
  introspection?: IntrospectionOptions;
  /**
   * Receives the events of this verifier (`token_verified`, `token_refused`), of its discovery and
   * of its own JWKS cache (a cache given as `jwksCache` reports to `jwksCache.subscribe()` instead):
   * see `ScopegateEvent`. One listener or an array. Without one, no event is built. Default: none.
   */
  onEvent?: ScopegateEventListener | readonly ScopegateEventListener[];
}

/** The discovery options a verifier takes: it sets `issuers`, `fetch` and `clock` itself. */
export type VerifierDiscoveryOptions = Omit<DiscoveryOptions, "issuers" | "fetch" | "clock">;

/** Every key of {@link VerifierOptions}; others are refused. Add a new option here. */
export const VERIFIER_OPTION_KEYS = optionKeys<VerifierOptions>()([
  "issuer",
  "audience",
  "resource",
  "resourceMetadataUrl",
  "introspection",
  "onEvent",
  "clientCertificate",
  "jwksUri",
  "algorithms",
  "clockToleranceSec",
  "maxTokenAgeSec",
  "tokenType",
  "requiredClaims",
  "scopeClaims",
  "allowedClientIds",
  "clientIdClaims",
  "validators",
  "realm",
  "maxTokenBytes",
  "allowQueryToken",
  "allowBodyToken",
  "jwksCache",
  "jwks",
  "fetch",
  "discoveryTimeoutMs",
  "discovery",
  "clock",
  "tokenCache",
  "offloadSignatures",
  "dpop",
]);

const VERIFIER_DISCOVERY_OPTION_KEYS: readonly string[] = DISCOVERY_OPTION_KEYS.filter(
  (key) => key !== "issuers" && key !== "fetch" && key !== "clock",
);

/**
 * Refuses unknown keys in verifier options and in their nested option objects. `where` names the
 * call in the message (`createVerifier()`, `bearerAuth()`, …); `extraKeys` are the caller's own
 * options that sit beside the verifier's.
 */
export function refuseUnknownVerifierKeys(
  options: VerifierOptions,
  where: string,
  extraKeys: readonly string[] = [],
): void {
  refuseUnknownKeys(
    options,
    extraKeys.length === 0 ? VERIFIER_OPTION_KEYS : [...VERIFIER_OPTION_KEYS, ...extraKeys],
    where,
  );
  refuseUnknownKeys(options.jwks, JWKS_CACHE_OPTION_KEYS, `${where} option \`jwks\``);
  refuseUnknownKeys(options.discovery, VERIFIER_DISCOVERY_OPTION_KEYS, `${where} option \`discovery\``);
  if (options.tokenCache !== false) {
    refuseUnknownKeys(options.tokenCache, TOKEN_CACHE_OPTION_KEYS, `${where} option \`tokenCache\``);
  }
}

/** Options after validation and defaults. */
export interface ResolvedVerifierOptions {
  issuers: readonly string[];
  audiences: readonly string[] | null;
  /** The canonical resource identifier, or `null`. */
  resource: string | null;
  /** The canonical resource when it is an accepted audience (then matched in any spelling), or `null`. */
  resourceAudience: string | null;
  /** The `resource_metadata` URL of every challenge, or `null`. */
  resourceMetadataUrl: string | null;
  jwksUris: ReadonlyMap<string, string>;
  algorithms: readonly Algorithm[];
  clockToleranceSec: number;
  maxTokenAgeSec: number | null;
  tokenType: TokenTypeMode;
  requiredClaims: readonly string[];
  scopeClaims: readonly ScopeClaim[];
  allowedClientIds: ReadonlySet<string> | null;
  clientIdClaims: readonly string[];
  validators: readonly ClaimValidator[];
  realm: string;
  maxTokenBytes: number;
  allowQueryToken: boolean;
  allowBodyToken: boolean;
  clock: () => number;
  /** `null` when the verified-token cache is off. */
  tokenCache: Required<TokenCacheOptions> | null;
  /** Whether a new token's signature is checked on libuv's thread pool. */
  offloadSignatures: boolean;
  dpop: ResolvedDpopOptions;
  clientCertificate: ResolvedClientCertificateOptions;
  /** `null` when tokens are not introspected. */
  introspection: ResolvedIntrospectionOptions | null;
  /** The `onEvent` listeners (empty when none). */
  onEvent: readonly ScopegateEventListener[];
}
