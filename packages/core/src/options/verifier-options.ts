import { type Algorithm, DEFAULT_ALGORITHMS, isSupportedAlgorithm } from "../base/algorithms.js";
import { optionKeys, refuseUnknownKeys } from "../base/option-keys.js";
import { canonicalResource, resourceMetadataUrl } from "../base/resource.js";
import {
  type ClientCertificateOptions,
  type ResolvedClientCertificateOptions,
  resolveClientCertificateOptions,
} from "../binding/certificate-options.js";
import { type DpopOptions, type ResolvedDpopOptions, resolveDpopOptions } from "../binding/dpop-options.js";
import type { ScopegateEventListener } from "../events/scopegate-event.js";
import { DEFAULT_REALM } from "../http/errors.js";
import {
  type IntrospectionOptions,
  type ResolvedIntrospectionOptions,
  resolveIntrospectionOptions,
} from "../introspection/introspection-options.js";
import { DISCOVERY_OPTION_KEYS, type DiscoveryOptions } from "../keys/discovery.js";
import { isAcceptableFetchUrl } from "../keys/fetch-url.js";
import type { FetchLike, JwksCache, JwksCacheOptions } from "../keys/jwks-cache.js";
import { JWKS_CACHE_OPTION_KEYS } from "../keys/jwks-cache-options.js";
import type { TokenTypeMode } from "../token/claims.js";
import type { ClaimValidator } from "../token/current-claims.js";
import type { ScopeClaim } from "../token/scopes.js";
import {
  DEFAULT_TOKEN_CACHE_ENTRIES,
  TOKEN_CACHE_OPTION_KEYS,
  type TokenCacheOptions,
} from "../token/token-cache.js";

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
  dpop: ResolvedDpopOptions;
  clientCertificate: ResolvedClientCertificateOptions;
  /** `null` when tokens are not introspected. */
  introspection: ResolvedIntrospectionOptions | null;
  /** The `onEvent` listeners (empty when none). */
  onEvent: readonly ScopegateEventListener[];
}

const fail = (option: string, fix: string): never => {
  throw new TypeError(`scopegate: invalid option \`${option}\`: ${fix}`);
};

function nonEmptyStrings(option: string, value: unknown, what: string): string[] {
  const list = typeof value === "string" ? [value] : Array.isArray(value) ? [...(value as unknown[])] : null;
  if (!list || list.length === 0)
    return fail(option, `give ${what} as a non-empty string or a non-empty array of strings.`);
  for (const item of list) {
    if (typeof item !== "string" || item.length === 0 || item.trim() !== item) {
      fail(
        option,
        `every entry must be a non-empty string without surrounding spaces; got ${JSON.stringify(item)}.`,
      );
    }
  }
  return list as string[];
}

/** Deepest scope claim path accepted: no token nests deeper (token-format's MAX_JSON_DEPTH). */
const MAX_SCOPE_CLAIM_PATH = 32;

/** `scopeClaims`: claim names, and paths (non-empty arrays of member names) to nested claims. */
function scopeClaimList(value: unknown): ScopeClaim[] {
  const list = typeof value === "string" ? [value] : Array.isArray(value) ? [...(value as unknown[])] : null;
  if (!list || list.length === 0) {
    return fail("scopeClaims", 'give claim names or paths, e.g. ["scope", ["realm_access", "roles"]].');
  }
  return list.map((entry) => {
    if (!Array.isArray(entry)) return nonEmptyStrings("scopeClaims", [entry], "claim names")[0]!;
    if (entry.length === 0 || entry.length > MAX_SCOPE_CLAIM_PATH) {
      fail(
        "scopeClaims",
        `a path needs 1 to ${MAX_SCOPE_CLAIM_PATH} member names, e.g. ["realm_access", "roles"].`,
      );
    }
    return Object.freeze(nonEmptyStrings("scopeClaims", entry, "member names"));
  });
}

function nonNegative(option: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    return fail(option, `expected a finite number >= 0; got ${String(value)}.`);
  }
  return value;
}

/** Parses and checks a URL option: absolute, `https:` (or loopback `http:`), no credentials, no fragment. */
export function checkFetchUrl(option: string, value: unknown): string {
  if (!(typeof value === "string" || value instanceof URL)) return fail(option, "expected a URL string.");
  let url: URL;
  try {
    url = new URL(String(value));
  } catch {
    return fail(option, `${JSON.stringify(String(value))} is not an absolute URL.`);
  }
  if (!isAcceptableFetchUrl(url)) fail(option, "it must use https: (http: is allowed only on loopback).");
  if (url.username || url.password || url.hash)
    fail(option, "the URL must not carry credentials or a fragment.");
  return url.href;
}

/** Validates options and applies defaults. Throws a `TypeError` naming the option and the fix. */
export function resolveVerifierOptions(options: VerifierOptions): ResolvedVerifierOptions {
  if (typeof options !== "object" || options === null) fail("options", "pass an options object.");
  refuseUnknownVerifierKeys(options, "createVerifier()");
  if (options.issuer === undefined)
    fail("issuer", "it is required: pass the authorization server's issuer identifier.");
  const issuers = nonEmptyStrings("issuer", options.issuer, "the issuer identifier(s)");

  const resource = options.resource === undefined ? null : canonicalResource(options.resource);
  if (options.audience === undefined && resource === null) {
    fail(
      "audience",
      "it is required: pass this API's identifier (or its `resource`), or `null` to explicitly skip the audience check.",
    );
  }
  const audiences =
    options.audience === undefined
      ? [resource as string]
      : options.audience === null
        ? null
        : nonEmptyStrings("audience", options.audience, "the audience(s)");
  const resourceAudience = resource !== null && audiences?.includes(resource) ? resource : null;
  const metadataUrl =
    options.resourceMetadataUrl === null
      ? null
      : options.resourceMetadataUrl !== undefined
        ? checkFetchUrl("resourceMetadataUrl", options.resourceMetadataUrl)
        : resource === null
          ? null
          : resourceMetadataUrl(resource);

  const algorithms = options.algorithms === undefined ? DEFAULT_ALGORITHMS : [...options.algorithms];
  if (algorithms.length === 0) fail("algorithms", 'list at least one algorithm, e.g. ["RS256"].');
  for (const alg of algorithms) {
    if (typeof alg === "string" && alg.toLowerCase() === "none") {
      fail("algorithms", "`none` is never accepted: unsigned tokens prove nothing. Remove it.");
    }
    if (typeof alg === "string" && /^HS/i.test(alg)) {
      fail(
        "algorithms",
        `${alg} is a shared-secret algorithm and cannot be verified with a public JWKS. Use RS256, PS256, ES256 or EdDSA.`,
      );
    }
    if (!isSupportedAlgorithm(alg)) fail("algorithms", `${JSON.stringify(alg)} is not supported.`);
  }

  const jwksUris = new Map<string, string>();
  const raw = options.jwksUri;
  if (typeof raw === "string" || raw instanceof URL) {
    if (issuers.length !== 1) fail("jwksUri", "with several issuers, pass a map from issuer to JWKS URL.");
    jwksUris.set(issuers[0]!, checkFetchUrl("jwksUri", raw));
  } else if (raw !== undefined) {
    if (typeof raw !== "object" || raw === null)
      fail("jwksUri", "expected a URL or a map from issuer to URL.");
    for (const [iss, uri] of Object.entries(raw)) {
      if (!issuers.includes(iss))
        fail("jwksUri", `${JSON.stringify(iss)} is not one of the configured issuers.`);
      jwksUris.set(iss, checkFetchUrl(`jwksUri[${JSON.stringify(iss)}]`, uri));
    }
  }
  for (const iss of issuers) {
    if (!jwksUris.has(iss)) checkFetchUrl("issuer", iss);
  }

  const tokenType = options.tokenType ?? "lenient";
  if (tokenType !== "lenient" && tokenType !== "strict") fail("tokenType", 'expected "lenient" or "strict".');

  const maxTokenAgeSec =
    options.maxTokenAgeSec === undefined || options.maxTokenAgeSec === null
      ? null
      : nonNegative("maxTokenAgeSec", options.maxTokenAgeSec, 0);

  const maxTokenBytes = nonNegative("maxTokenBytes", options.maxTokenBytes, 8192);
  if (maxTokenBytes < 64) fail("maxTokenBytes", "must be at least 64.");

  const validators = options.validators ?? [];
  if (!Array.isArray(validators) || validators.some((v) => typeof v !== "function")) {
    fail("validators", "expected an array of functions.");
  }

  const realm = options.realm ?? DEFAULT_REALM;
  if (typeof realm !== "string" || !/^[\x20-\x21\x23-\x5b\x5d-\x7e]+$/.test(realm)) {
    fail("realm", "expected non-empty printable ASCII without quotes or backslashes.");
  }

  if (options.clock !== undefined && typeof options.clock !== "function")
    fail("clock", "expected a function returning milliseconds.");

  const clock = options.clock ?? Date.now;
  let tokenCache: Required<TokenCacheOptions> | null = null;
  if (options.tokenCache !== false) {
    if (
      options.tokenCache !== undefined &&
      (typeof options.tokenCache !== "object" || options.tokenCache === null)
    )
      fail("tokenCache", "expected `{ maxEntries?: number }` or `false`.");
    const maxEntries = options.tokenCache?.maxEntries ?? DEFAULT_TOKEN_CACHE_ENTRIES;
    if (!Number.isSafeInteger(maxEntries) || maxEntries < 1)
      fail("tokenCache.maxEntries", `expected a whole number >= 1; got ${String(maxEntries)}.`);
    tokenCache = { maxEntries };
  }

  return {
    issuers,
    audiences,
    resource,
    resourceAudience,
    resourceMetadataUrl: metadataUrl,
    clientCertificate: resolveClientCertificateOptions(options.clientCertificate),
    jwksUris,
    algorithms,
    clockToleranceSec: nonNegative("clockToleranceSec", options.clockToleranceSec, 5),
    maxTokenAgeSec,
    tokenType,
    requiredClaims:
      options.requiredClaims === undefined ||
      (Array.isArray(options.requiredClaims) && options.requiredClaims.length === 0)
        ? []
        : nonEmptyStrings("requiredClaims", options.requiredClaims, "claim names"),
    scopeClaims: options.scopeClaims ? scopeClaimList(options.scopeClaims) : ["scope", "scp"],
    clientIdClaims: options.clientIdClaims
      ? nonEmptyStrings("clientIdClaims", options.clientIdClaims, "claim names")
      : ["client_id", "azp"],
    allowedClientIds:
      options.allowedClientIds === undefined || options.allowedClientIds === null
        ? null
        : new Set(nonEmptyStrings("allowedClientIds", options.allowedClientIds, "client identifiers")),
    validators,
    realm,
    maxTokenBytes,
    allowQueryToken: options.allowQueryToken === true,
    allowBodyToken: options.allowBodyToken === true,
    clock,
    tokenCache,
    dpop: resolveDpopOptions(options.dpop, clock),
    introspection:
      options.introspection === undefined
        ? null
        : resolveIntrospectionOptions(options.introspection, issuers),
    onEvent: checkListeners(options.onEvent),
  };
}

function checkListeners(value: unknown): readonly ScopegateEventListener[] {
  if (value === undefined) return [];
  const list = Array.isArray(value) ? [...(value as unknown[])] : [value];
  if (list.some((listener) => typeof listener !== "function"))
    fail("onEvent", "expected a function (event) => void, or an array of them.");
  return list as ScopegateEventListener[];
}
