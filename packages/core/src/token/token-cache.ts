import { LRUCache } from "lru-cache";
import { optionKeys, refuseUnknownKeys } from "../base/option-keys.js";
import type { VerifiedToken } from "../base/types.js";
import type { SigningKey } from "../keys/jwks-cache.js";
import type { KeySelector, PublicJwk } from "../keys/key-selection.js";

/**
 * The verified-token cache: a bounded LRU of tokens that passed every check. An entry is found only
 * for the identical token string. A hit skips only decoding and the signature check, the two things
 * that cannot change for the same string under the same key. On every hit the verifier still asks
 * the JWKS cache for the token's key and compares it with the key that verified it, re-runs every
 * claim check against the current clock (`exp`, `nbf`, `iat`, `maxTokenAgeSec`) and re-runs custom
 * validators; scopes are checked per route as always. Failures are never stored.
 *
 * Admission: a token is stored from its second successful verification. Its first only marks it in
 * a fixed-size table of hashes (a "doorkeeper", as in TinyLFU), so traffic of one-off tokens neither
 * churns the LRU nor keeps 2 KB per token alive for the garbage collector; a client that reuses its
 * token (the client-credentials norm) is cached from its second request.
 *
 * Lookup: entries are indexed by a 32-bit hash of the token's last characters (signature bytes,
 * effectively random) rather than by the ~1 KB string, and a hit requires the stored token to equal
 * the presented one exactly; a hash collision is only a miss.
 */

export interface TokenCacheOptions {
  /**
   * Most tokens kept; past it the least recently used is dropped. An entry costs about 2 KB (the
   * token string, its decoded header and claims), plus a fixed 16 bytes per entry for the admission
   * table, so the default bounds the cache near 20 MB. Default: `10_000`.
   */
  maxEntries?: number;
}

/** A successful verification, as remembered. */
/** Every key of {@link TokenCacheOptions}; others are refused. */
export const TOKEN_CACHE_OPTION_KEYS = optionKeys<TokenCacheOptions>()(["maxEntries"]);

export interface CachedVerification {
  readonly verified: VerifiedToken;
  /** How the token asked the JWKS for its key (`alg`, `kid`). */
  readonly selector: Readonly<KeySelector>;
  /** The key that verified the signature. */
  readonly key: SigningKey;
  /** The entry is dropped at this time (ms since the epoch): `exp` plus the clock tolerance. */
  readonly expiresAtMs: number;
}

export interface TokenCache {
  /** The entry for `token` unless it expired by `nowMs` (an expired entry is dropped). */
  get(token: string, nowMs: number): CachedVerification | undefined;
  /**
   * Offers a successful verification. Stored (claims and header frozen deeply first) when this
   * token was offered before; otherwise only noted. Returns whether it was stored.
   */
  set(token: string, entry: CachedVerification): boolean;
  delete(token: string): void;
  clear(): void;
  /** Entries held now. */
  readonly size: number;
  /** The bound on `size`. */
  readonly maxEntries: number;
}

/** Default bound on cached verified tokens. */
export const DEFAULT_TOKEN_CACHE_ENTRIES = 10_000;

/** Creates a verified-token cache. */
export function createTokenCache(options: TokenCacheOptions = {}): TokenCache {
  refuseUnknownKeys(options, TOKEN_CACHE_OPTION_KEYS, "createTokenCache()");
  const maxEntries = options.maxEntries ?? DEFAULT_TOKEN_CACHE_ENTRIES;
  if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) {
    throw new TypeError(
      `scopegate: invalid option \`tokenCache.maxEntries\`: expected a whole number >= 1; got ${String(maxEntries)}.`,
    );
  }
  const lru = new LRUCache<number, CachedVerification>({ max: maxEntries });
  // Four slots per entry, at least 1,024, a power of two: 256 KB for the default 10,000 entries.
  const slots = 2 ** Math.ceil(Math.log2(Math.max(1024, maxEntries * 4)));
  const seen = new Uint32Array(slots);
  const mask = slots - 1;
  return {
    get(token, nowMs) {
      const key = tokenHash(token);
      const entry = lru.get(key);
      if (entry === undefined || entry.verified.token !== token) return undefined;
      if (nowMs >= entry.expiresAtMs) {
        lru.delete(key);
        return undefined;
      }
      return entry;
    },
    set(token, entry) {
      const key = tokenHash(token);
      const slot = key & mask;
      if (seen[slot] !== key) {
        seen[slot] = key;
        return false;
      }
      deepFreeze(entry.verified.header);
      deepFreeze(entry.verified.claims);
      lru.set(key, entry);
      return true;
    },
    delete(token) {
      const key = tokenHash(token);
      if (lru.peek(key)?.verified.token === token) lru.delete(key);
    },
    clear() {
      lru.clear();
    },
    get size() {
      return lru.size;
    },
    maxEntries,
  };
}

/** Characters hashed: the end of the signature, random for every genuinely signed token. */
const HASHED_CHARACTERS = 32;

/** FNV-1a (32-bit) over the token's length and last characters. */
function tokenHash(token: string): number {
  let hash = 0x811c9dc5 ^ token.length;
  for (let i = Math.max(0, token.length - HASHED_CHARACTERS); i < token.length; i++) {
    hash = Math.imul(hash ^ token.charCodeAt(i), 0x01000193);
  }
  return hash >>> 0;
}

/**
 * Freezes nested arrays and objects, so that code handed a cached token cannot change what the next
 * request sees. Claims are parsed JSON: no cycles.
 */
function deepFreeze(value: object): void {
  for (const key in value) {
    const member = (value as Record<string, unknown>)[key];
    if (typeof member === "object" && member !== null && !Object.isFrozen(member)) {
      deepFreeze(member);
      Object.freeze(member);
    }
  }
  Object.freeze(value);
}

const fingerprints = new WeakMap<object, string>();

/** The public key material of a JWK, as one comparable string. */
function fingerprint(jwk: Readonly<PublicJwk>): string {
  let print = fingerprints.get(jwk);
  if (print === undefined) {
    print = [jwk.kty, jwk.crv, jwk.n, jwk.e, jwk.x, jwk.y].map((part) => String(part ?? "")).join(".");
    fingerprints.set(jwk, print);
  }
  return print;
}

/**
 * True when `current` (what the JWKS gives now) is the key that verified a cached token: the same
 * object, or the same public key material for the same algorithm (a refetched, unchanged JWKS).
 */
export function isSameSigningKey(cached: SigningKey, current: SigningKey): boolean {
  if (cached === current) return true;
  if (cached.alg !== current.alg) return false;
  return cached.jwk === current.jwk || fingerprint(cached.jwk) === fingerprint(current.jwk);
}
