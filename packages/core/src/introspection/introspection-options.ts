import type { CryptoKey } from "jose";
import { checkCount, checkFunction, checkMs, invalidOption } from "../base/option-checks.js";
import { optionKeys, refuseUnknownKeys } from "../base/option-keys.js";
import type { IntrospectionFailedEvent, IntrospectionSucceededEvent } from "../events/scopegate-event.js";
import { isAcceptableFetchUrl } from "../keys/fetch-url.js";
import type { IntrospectionStore } from "./introspection-store.js";

/** How the resource server authenticates to the introspection endpoint (RFC 7662 §2.1). */
export type IntrospectionClientAuthMethod = "client_secret_basic" | "client_secret_post" | "private_key_jwt";

/** A private key for `private_key_jwt`: a WebCrypto `CryptoKey`, with the `kid` to put in the header. */
export interface IntrospectionPrivateKey {
  /** An asymmetric private signing key (RSA, EC or Ed25519), usable for `sign`. */
  key: CryptoKey;
  /** The `kid` of the matching public key the authorization server knows. Default: none. */
  kid?: string;
}

export interface IntrospectionCacheOptions {
  /** Most answers kept (active and inactive together); past it the least recently used goes. Default: `10_000`. */
  maxEntries?: number;
  /**
   * Longest an active answer is reused, in seconds; never past the token's `exp`. This is how long a
   * revoked token can still pass. Default: `60`.
   */
  maxAgeSec?: number;
  /** How long an `active: false` answer is reused, in seconds; `0` asks every time. Default: `5`. */
  inactiveMaxAgeSec?: number;
  /**
   * Where answers live. Records are keyed by the SHA-256 of the token (never the token) and hold the
   * answer's claims and an expiry: JSON, so a shared store (Redis) can hold them. Default: an
   * in-process LRU of `maxEntries`.
   */
  store?: IntrospectionStore;
}

/**
 * What an introspection reports through `introspection.onEvent` (the verifier's `onEvent` gets these
 * and `introspection_cache_hit`): never the token, never its hash.
 */
export type IntrospectionEvent = IntrospectionSucceededEvent | IntrospectionFailedEvent;

export interface IntrospectionOptions {
  /**
   * The RFC 7662 endpoint. `https:` (or loopback `http:`). Default: the `introspection_endpoint` of
   * the issuer's RFC 8414 / OpenID Connect metadata.
   */
  endpoint?: string | URL;
  /**
   * The authorization server that answers: an answer's `iss` must be it (and is taken to be it when
   * absent). Default: the verifier's issuer (required here when the verifier has several).
   */
  issuer?: string;
  /** This resource server's client identifier at the authorization server. Required. */
  clientId: string;
  /** The client secret, for `client_secret_basic` and `client_secret_post`. Default: none. */
  clientSecret?: string;
  /** The private key, for `private_key_jwt`. Default: none. */
  privateKey?: IntrospectionPrivateKey;
  /**
   * How to authenticate. Default: `"client_secret_basic"` with `clientSecret`, `"private_key_jwt"`
   * with `privateKey`.
   */
  clientAuthMethod?: IntrospectionClientAuthMethod;
  /**
   * Ask for RFC 9701 signed answers (`Accept: application/token-introspection+jwt`) and refuse plain
   * JSON ones. Signed answers are always verified against the issuer's keys, asked for or not.
   * Default: `false`.
   */
  jwtResponse?: boolean;
  /**
   * Which bearer tokens are introspected: `"opaque"` (anything that is not a compact JWT; JWTs are
   * verified locally) or `"all"` (every token, for revocation checks on JWTs too). Default: `"opaque"`.
   */
  tokens?: "opaque" | "all";
  /** Budget for one introspection (connection and answer), in milliseconds. Default: `5_000`. */
  timeoutMs?: number;
  /** Largest accepted answer, in bytes, enforced while it streams in. Default: `65_536`. */
  maxResponseBytes?: number;
  /**
   * After an introspection fails (endpoint down, broken answer), tokens not in the cache are answered
   * 503 at once for this long, without a request. Default: `1_000`.
   */
  failureBackoffMs?: number;
  /** The answer cache; `false` introspects every request. Default: `{}` (on, with the defaults above). */
  cache?: IntrospectionCacheOptions | false;
  /**
   * Receives each introspection request's outcome. What it throws is ignored. Deprecated: the
   * verifier's `onEvent` receives the same events, and `introspection_cache_hit`. Default: none.
   */
  onEvent?: (event: IntrospectionEvent) => void;
}

/** Introspection options after validation and defaults. */
export interface ResolvedIntrospectionOptions {
  endpoint: string | undefined;
  issuer: string;
  clientId: string;
  clientAuthMethod: IntrospectionClientAuthMethod;
  clientSecret: string | undefined;
  privateKey: IntrospectionPrivateKey | undefined;
  jwtResponse: boolean;
  tokens: "opaque" | "all";
  timeoutMs: number;
  maxResponseBytes: number;
  failureBackoffMs: number;
  cache: ResolvedIntrospectionCacheOptions | null;
  onEvent: ((event: IntrospectionEvent) => void) | undefined;
}

export interface ResolvedIntrospectionCacheOptions {
  maxEntries: number;
  maxAgeSec: number;
  inactiveMaxAgeSec: number;
  store: IntrospectionStore | undefined;
}

/** Every key of {@link IntrospectionOptions}; others are refused. Add a new option here. */
const KNOWN_KEYS = optionKeys<IntrospectionOptions>()([
  "endpoint",
  "issuer",
  "clientId",
  "clientSecret",
  "privateKey",
  "clientAuthMethod",
  "jwtResponse",
  "tokens",
  "timeoutMs",
  "maxResponseBytes",
  "failureBackoffMs",
  "cache",
  "onEvent",
]);
/** Every key of {@link IntrospectionCacheOptions}. */
const KNOWN_CACHE_KEYS = optionKeys<IntrospectionCacheOptions>()([
  "maxEntries",
  "maxAgeSec",
  "inactiveMaxAgeSec",
  "store",
]);
const AUTH_METHODS = new Set<string>(["client_secret_basic", "client_secret_post", "private_key_jwt"]);

/** An endpoint URL: absolute, `https:` (or loopback `http:`), no credentials, no fragment. */
function checkEndpoint(value: unknown): string {
  const option = "introspection.endpoint";
  let url: URL | undefined;
  try {
    url = typeof value === "string" || value instanceof URL ? new URL(String(value)) : undefined;
  } catch {
    url = undefined;
  }
  if (url === undefined) return invalidOption(option, "expected an absolute URL.");
  if (!isAcceptableFetchUrl(url)) invalidOption(option, "use https: (http: is allowed only on loopback).");
  if (url.username || url.password || url.hash)
    invalidOption(option, "the URL must not carry credentials or a fragment.");
  return url.href;
}

function nonEmptyString(option: string, value: unknown): string {
  if (typeof value !== "string" || value.length === 0) invalidOption(option, "expected a non-empty string.");
  return value as string;
}

function resolveIssuer(value: unknown, issuers: readonly string[]): string {
  if (value === undefined) {
    if (issuers.length !== 1) {
      invalidOption("introspection.issuer", "with several issuers, name the one whose endpoint answers.");
    }
    return issuers[0]!;
  }
  const issuer = nonEmptyString("introspection.issuer", value);
  if (!issuers.includes(issuer))
    invalidOption("introspection.issuer", "it must be one of the configured issuers.");
  return issuer;
}

function resolveAuthMethod(options: IntrospectionOptions): IntrospectionClientAuthMethod {
  const method =
    options.clientAuthMethod ??
    (options.privateKey !== undefined ? "private_key_jwt" : "client_secret_basic");
  if (!AUTH_METHODS.has(method)) {
    invalidOption(
      "introspection.clientAuthMethod",
      'expected "client_secret_basic", "client_secret_post" or "private_key_jwt".',
    );
  }
  if (method === "private_key_jwt") {
    const key = options.privateKey?.key as { type?: unknown; usages?: unknown } | undefined;
    if (
      key === undefined ||
      key.type !== "private" ||
      !Array.isArray(key.usages) ||
      !key.usages.includes("sign")
    ) {
      invalidOption(
        "introspection.privateKey",
        "private_key_jwt needs { key: CryptoKey (private, usable to sign), kid? }.",
      );
    }
    if (options.privateKey?.kid !== undefined)
      nonEmptyString("introspection.privateKey.kid", options.privateKey.kid);
  } else {
    nonEmptyString("introspection.clientSecret", options.clientSecret);
  }
  return method;
}

/** A duration in seconds: a finite number `>= 0`, or `fallback` when absent. */
function checkSec(option: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    invalidOption(option, `expected a finite number of seconds >= 0; got ${String(value)}.`);
  }
  return value as number;
}

function resolveCache(value: unknown): ResolvedIntrospectionCacheOptions | null {
  if (value === false) return null;
  if (value !== undefined && (typeof value !== "object" || value === null)) {
    invalidOption("introspection.cache", "expected an options object or `false`.");
  }
  const cache = (value ?? {}) as IntrospectionCacheOptions;
  refuseUnknownKeys(cache, KNOWN_CACHE_KEYS, "introspection.cache");
  const store = cache.store;
  if (
    store !== undefined &&
    (typeof store !== "object" ||
      store === null ||
      typeof store.get !== "function" ||
      typeof store.set !== "function")
  ) {
    invalidOption("introspection.cache.store", "expected an object with get(key) and set(key, record).");
  }
  return {
    maxEntries: checkCount("introspection.cache.maxEntries", cache.maxEntries, 10_000, 1),
    maxAgeSec: checkSec("introspection.cache.maxAgeSec", cache.maxAgeSec, 60),
    inactiveMaxAgeSec: checkSec("introspection.cache.inactiveMaxAgeSec", cache.inactiveMaxAgeSec, 5),
    store,
  };
}

/**
 * Validates `introspection` options (a `TypeError` naming the option and the fix) and applies the
 * defaults. `issuers` are the verifier's configured issuers.
 */
export function resolveIntrospectionOptions(
  options: IntrospectionOptions,
  issuers: readonly string[],
): ResolvedIntrospectionOptions {
  if (typeof options !== "object" || options === null)
    invalidOption("introspection", "pass an options object.");
  refuseUnknownKeys(options, KNOWN_KEYS, "introspection");
  const tokens = options.tokens ?? "opaque";
  if (tokens !== "opaque" && tokens !== "all")
    invalidOption("introspection.tokens", 'expected "opaque" or "all".');
  if (options.jwtResponse !== undefined && typeof options.jwtResponse !== "boolean") {
    invalidOption("introspection.jwtResponse", "expected true or false.");
  }
  return {
    endpoint: options.endpoint === undefined ? undefined : checkEndpoint(options.endpoint),
    issuer: resolveIssuer(options.issuer, issuers),
    clientId: nonEmptyString("introspection.clientId", options.clientId),
    clientAuthMethod: resolveAuthMethod(options),
    clientSecret: options.clientSecret,
    privateKey: options.privateKey,
    jwtResponse: options.jwtResponse === true,
    tokens,
    timeoutMs: checkMs("introspection.timeoutMs", options.timeoutMs, 5_000, 1),
    maxResponseBytes: checkCount("introspection.maxResponseBytes", options.maxResponseBytes, 65_536, 64),
    failureBackoffMs: checkMs("introspection.failureBackoffMs", options.failureBackoffMs, 1_000, 0),
    cache: resolveCache(options.cache),
    onEvent: checkFunction("introspection.onEvent", options.onEvent),
  };
}
