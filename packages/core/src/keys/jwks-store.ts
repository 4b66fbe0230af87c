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
  /**
   * Optional, for a store that several instances share (`@scopegate/redis`, say). When present, the
   * cache calls it instead of fetching: it resolves a key set that some instance fetched after
   * `request.after`, or calls `request.fetch()` (one instance at a time, ideally) and shares what
   * that returns. It must settle within a bound of its own; a rejection counts as a failed fetch.
   * Whatever it resolves is checked again as a fetched JWKS is, then kept with `set`.
   */
  sharedFetch?(jwksUri: string, request: SharedFetchRequest): Promise<SharedJwksRecord>;
}

/** A key set as it travels between instances: the JWKS `keys` member, and when it was fetched. */
export interface SharedJwksRecord {
  readonly keys: readonly unknown[];
  /** Milliseconds since the epoch, from the fetching instance's clock. */
  readonly fetchedAt: number;
}

/** What a shared store is asked for: a key set fetched after `after`, or one fetch for everyone. */
export interface SharedFetchRequest {
  /**
   * A record fetched at or before this time (ms since the epoch) is no newer than what this
   * instance holds, or is past `cacheMaxAgeMs`: it does not answer the request.
   */
  readonly after: number;
  /** Why the cache fetches: `initial`, `refresh`, `unknown_kid` or `warm`. */
  readonly reason: "initial" | "refresh" | "unknown_kid" | "warm";
  /** Fetches the JWKS from its URI now, checked; rejects with `RemoteFetchError`. */
  fetch(): Promise<SharedJwksRecord>;
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
