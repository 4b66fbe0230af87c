import { LRUCache } from "lru-cache";
import { checkCount } from "../base/option-checks.js";
import { optionKeys, refuseUnknownKeys } from "../base/option-keys.js";
import type { PublicJwk } from "./key-selection.js";

/** The last key set successfully fetched from one JWKS URI. */
export interface JwksRecord {
  /** Usable public signing keys (already checked). */
  readonly keys: readonly Readonly<PublicJwk>[];
  /** When the set was fetched, in milliseconds since the epoch (from the cache's clock). */
  readonly fetchedAt: number;
}

/**
 * Where a JWKS cache keeps key sets, by JWKS URI. Synchronous, because it is read on every
 * verification. Replace it to bound or share storage differently, or to restore a snapshot at start-up.
 * The cache treats a record it did not store itself like any other: it is used while younger than
 * `maxStaleMs` and refreshed once older than `cacheMaxAgeMs`. Return the same object for as long as
 * a record is unchanged: imported keys are kept per record object, so a new object on every `get`
 * means a key import on every verification.
 */
export interface JwksStore {
  get(jwksUri: string): JwksRecord | undefined;
  set(jwksUri: string, record: JwksRecord): void;
  delete(jwksUri: string): void;
}

export interface MemoryJwksStoreOptions {
  /** How many JWKS URIs are kept; the least recently used is dropped beyond. Default: `100`. */
  maxEntries?: number;
}

const MEMORY_JWKS_STORE_OPTION_KEYS = optionKeys<MemoryJwksStoreOptions>()(["maxEntries"]);

/** The default {@link JwksStore}: in memory, bounded, least recently used dropped first. */
export function createMemoryJwksStore(options: MemoryJwksStoreOptions = {}): JwksStore {
  refuseUnknownKeys(options, MEMORY_JWKS_STORE_OPTION_KEYS, "createMemoryJwksStore()");
  const max = checkCount("maxEntries", options.maxEntries, 100, 1);
  const records = new LRUCache<string, JwksRecord>({ max });
  return {
    get: (jwksUri) => records.get(jwksUri),
    set: (jwksUri, record) => {
      records.set(jwksUri, record);
    },
    delete: (jwksUri) => {
      records.delete(jwksUri);
    },
  };
}
