import type { RemoteFetchError } from "../base/remote-fetch-error.js";
import type { JwksRecord } from "./jwks-store.js";

/**
 * Keys cached for a JWKS: `"fresh"` (younger than `cacheMaxAgeMs`), `"stale"` (older, still used
 * while a refresh is due or failing, up to `maxStaleMs`), `"missing"` (none, or too old to use:
 * requests get 503).
 */
export type KeysState = "fresh" | "stale" | "missing";

/** What `JwksCache.status()` reports for one JWKS. */
export interface JwksStatus {
  state: KeysState;
  /** Age of the cached keys in milliseconds, from their last successful fetch; `undefined` when none. */
  ageMs: number | undefined;
  /** Keys in the cached set (0 when none). */
  keyCount: number;
  /** The last fetch's failure; `undefined` once a fetch succeeded. */
  lastError: RemoteFetchError | undefined;
  /** When `lastError` happened, in milliseconds since the epoch (the cache's clock). */
  lastErrorAt: number | undefined;
}

/** Fresh, stale or missing, from the record's age. A clock that stepped back makes keys stale. */
export function keysState(
  record: JwksRecord | undefined,
  now: number,
  limits: { cacheMaxAgeMs: number; maxStaleMs: number },
): KeysState {
  if (record === undefined) return "missing";
  const ageMs = now - record.fetchedAt;
  if (ageMs >= limits.maxStaleMs) return "missing";
  return ageMs >= 0 && ageMs < limits.cacheMaxAgeMs ? "fresh" : "stale";
}
