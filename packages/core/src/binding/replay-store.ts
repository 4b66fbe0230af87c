import { LRUCache } from "lru-cache";
import { checkCount, checkFunction } from "../base/option-checks.js";

/**
 * Where the identifiers (`jti`) of accepted DPoP proofs are remembered until the proofs would be too
 * old anyway, so that a proof is accepted once (RFC 9449 §11.1). Implement it over a shared store
 * (Redis `SET key 1 NX PX ttl`) so that several instances refuse each other's replays.
 */
export interface ReplayStore {
  /**
   * Records `key` until `expiresAtMs` (ms since the epoch). Returns (or resolves) `true` when the key
   * was not recorded before, `false` when it was (a replay), and also `false` when the store can no
   * longer tell (an in-memory store that had to forget unexpired keys). Throwing or rejecting means
   * the store cannot answer: the request then fails with 503 (`ERR_DPOP_REPLAY_UNAVAILABLE`), never
   * passes. The key is at most a few hundred characters.
   */
  markUsed(key: string, expiresAtMs: number): boolean | Promise<boolean>;
}

export interface MemoryReplayStoreOptions {
  /**
   * Most keys remembered. When it is full the oldest key goes first, and from then on a proof that
   * key could have been the replay of (one expiring no later) is refused as possibly replayed. So a
   * full store refuses old proofs, never accepts a replay. About 150 bytes per key.
   * Default: `100_000`.
   */
  maxEntries?: number;
  /** Current time in milliseconds since the epoch. Default: `Date.now`. */
  clock?: () => number;
}

/** A {@link ReplayStore} in this process's memory, bounded. */
export interface MemoryReplayStore extends ReplayStore {
  /** Keys held now (expired ones included until they are dropped). */
  readonly size: number;
}

/** Default bound of {@link createMemoryReplayStore}. */
export const DEFAULT_REPLAY_STORE_ENTRIES = 100_000;

/**
 * Creates the in-memory replay store: a bounded LRU of keys and their expiry. It sees this process
 * only: behind a load balancer a proof can be replayed once to each other instance unless a shared
 * store is used.
 */
export function createMemoryReplayStore(options: MemoryReplayStoreOptions = {}): MemoryReplayStore {
  const maxEntries = checkCount("maxEntries", options.maxEntries, DEFAULT_REPLAY_STORE_ENTRIES, 1);
  const clock = checkFunction("clock", options.clock) ?? Date.now;
  /** The latest expiry among keys dropped before they expired: nothing expiring no later can be vouched for. */
  let horizonMs = Number.NEGATIVE_INFINITY;
  let seen: LRUCache<string, number> | undefined;
  const memory = (): LRUCache<string, number> => {
    seen ??= new LRUCache<string, number>({
      max: maxEntries,
      dispose: (expiresAtMs, _key, reason) => {
        if (reason === "evict" && expiresAtMs > clock() && expiresAtMs > horizonMs) horizonMs = expiresAtMs;
      },
    });
    return seen;
  };
  return {
    markUsed(key, expiresAtMs) {
      const cache = memory();
      if (expiresAtMs <= horizonMs) return false;
      const known = cache.peek(key);
      if (known !== undefined && known > clock()) return false;
      cache.set(key, expiresAtMs);
      return true;
    },
    get size() {
      return seen?.size ?? 0;
    },
  };
}
