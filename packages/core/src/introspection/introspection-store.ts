import { LRUCache } from "lru-cache";
import type { JwtClaims } from "../base/types.js";

/**
 * One cached introspection answer. JSON only (no token, no functions), so that a shared store can
 * hold it: `claims` is the active answer as received (without `active`), absent for an inactive one.
 */
export interface IntrospectionRecord {
  readonly active: boolean;
  readonly claims?: Readonly<JwtClaims>;
  /** The record is not used at or after this time (ms since the epoch). */
  readonly expiresAtMs: number;
}

/**
 * Where introspection answers are kept, by the SHA-256 of the token (base64url). The in-process LRU
 * is the default; a shared store (Redis) implements the same three calls. A store may drop records
 * whenever it likes; the cache checks `expiresAtMs` itself. Calls may return promises.
 */
export interface IntrospectionStore {
  get(key: string): IntrospectionRecord | undefined | Promise<IntrospectionRecord | undefined>;
  /** Stores `record` until at least `record.expiresAtMs` (`ttlMs` from now). */
  set(key: string, record: IntrospectionRecord, ttlMs: number): void | Promise<void>;
  delete(key: string): void | Promise<void>;
}

export interface MemoryIntrospectionStoreOptions {
  /** Most records kept; past it the least recently used goes. Default: `10_000`. */
  maxEntries?: number;
}

/** The default store: a bounded LRU in this process. */
export function createMemoryIntrospectionStore(
  options: MemoryIntrospectionStoreOptions = {},
): IntrospectionStore & { readonly size: number } {
  const lru = new LRUCache<string, IntrospectionRecord>({ max: options.maxEntries ?? 10_000 });
  return {
    get: (key) => lru.get(key),
    set: (key, record) => {
      lru.set(key, record);
    },
    delete: (key) => {
      lru.delete(key);
    },
    get size() {
      return lru.size;
    },
  };
}
