import { createMemoryReplayStore, type ReplayStore, refuseUnknownKeys } from "@scopegate/core";
import { RedisUnavailableError, sendWithin } from "./redis-client.js";
import { redisKey } from "./redis-keys.js";
import { invalid, type RedisStoreOptions, resolveRedisStoreOptions } from "./redis-options.js";

export interface RedisReplayStoreOptions extends RedisStoreOptions {
  /**
   * What happens when Redis cannot answer within `timeoutMs`:
   * - `"fail"`: the request fails closed, 503 with `Retry-After` (`ERR_DPOP_REPLAY_UNAVAILABLE`);
   * - `"local"`: this process's memory decides, so a proof could then be replayed once to each
   *   other instance while Redis is away.
   *
   * Default: `"fail"`.
   */
  whenUnavailable?: "fail" | "local";
  /** The store used with `whenUnavailable: "local"`. Default: core's `createMemoryReplayStore()`. */
  local?: ReplayStore;
  /** Called each time Redis could not answer. Default: none. */
  onUnavailable?: (error: RedisUnavailableError) => void;
  /** Current time in milliseconds since the epoch (for the keys' expiry). Default: `Date.now`. */
  clock?: () => number;
}

const WHERE = "createRedisReplayStore";
const KNOWN = [
  "client",
  "keyPrefix",
  "timeoutMs",
  "whenUnavailable",
  "local",
  "onUnavailable",
  "clock",
] as const;

/**
 * A DPoP replay store for a fleet: pass it as `dpop: { replayStore }` to every instance. A proof's
 * `jti` is recorded with one atomic `SET key 1 NX PX ttl` (the key a SHA-256 of the `jti`, so its
 * size is bounded), expiring when the proof would be too old anyway: a proof seen by one instance is
 * a replay at every other.
 */
export function createRedisReplayStore(options: RedisReplayStoreOptions): ReplayStore {
  const base = resolveRedisStoreOptions(WHERE, options);
  // A typo must not silently change how a fleet behaves.
  refuseUnknownKeys(options, KNOWN, WHERE);
  const whenUnavailable = options.whenUnavailable ?? "fail";
  if (whenUnavailable !== "fail" && whenUnavailable !== "local") {
    invalid(WHERE, "whenUnavailable", `must be "fail" or "local"; got ${JSON.stringify(whenUnavailable)}.`);
  }
  if (options.local !== undefined && typeof options.local?.markUsed !== "function") {
    invalid(WHERE, "local", "must be a ReplayStore (markUsed).");
  }
  for (const name of ["onUnavailable", "clock"] as const) {
    if (options[name] !== undefined && typeof options[name] !== "function")
      invalid(WHERE, name, "must be a function.");
  }
  const clock = options.clock ?? Date.now;
  const local =
    whenUnavailable === "local" ? (options.local ?? createMemoryReplayStore({ clock })) : undefined;
  const onUnavailable = options.onUnavailable;

  return {
    async markUsed(key, expiresAtMs) {
      const ttlMs = Math.max(1, Math.ceil(expiresAtMs - clock()));
      try {
        const reply = await sendWithin(
          base.client,
          ["SET", redisKey(base.keyPrefix, "dpop-jti", key), "1", "NX", "PX", String(ttlMs)],
          base.timeoutMs,
        );
        return reply === "OK";
      } catch (error) {
        if (!(error instanceof RedisUnavailableError)) throw error;
        try {
          onUnavailable?.(error);
        } catch {
          // a listener's failure changes nothing
        }
        if (local === undefined) throw error; // core answers 503: never a pass without the fleet's memory
        return local.markUsed(key, expiresAtMs);
      }
    },
  };
}
