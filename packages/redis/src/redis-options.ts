import type { RedisCommandClient } from "./redis-client.js";

/** Options every Redis-backed store takes. */
export interface RedisStoreOptions {
  /** The Redis (or Valkey) client to use: your application's own, connected. Required. */
  client: RedisCommandClient;
  /**
   * Prefix of every key scopegate writes, so that it shares a database with other data safely
   * (at most 64 printable characters). Default: `"scopegate:"`.
   */
  keyPrefix?: string;
  /** How long one Redis command may take before Redis counts as unavailable. Default: `250`. */
  timeoutMs?: number;
}

export interface ResolvedRedisStoreOptions {
  client: RedisCommandClient;
  keyPrefix: string;
  timeoutMs: number;
}

/** Throws a `TypeError` that says how to fix the option. */
export function invalid(where: string, option: string, problem: string): never {
  throw new TypeError(`${where}: \`${option}\` ${problem}`);
}

export function checkMs(where: string, option: string, value: unknown, fallback: number, min = 1): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > 2_147_483_647) {
    invalid(where, option, `must be a whole number of milliseconds from ${min}; got ${String(value)}.`);
  }
  return value;
}

export function resolveRedisStoreOptions(
  where: string,
  options: RedisStoreOptions,
): ResolvedRedisStoreOptions {
  if (typeof options !== "object" || options === null) invalid(where, "options", "must be an object.");
  const client = options.client;
  if (typeof client !== "object" || client === null || typeof client.sendCommand !== "function") {
    invalid(
      where,
      "client",
      "must be a connected Redis client (node-redis `createClient()`, or any object with sendCommand).",
    );
  }
  const keyPrefix = options.keyPrefix ?? "scopegate:";
  if (typeof keyPrefix !== "string" || keyPrefix.length > 64 || !/^[\x21-\x7e]*$/.test(keyPrefix)) {
    invalid(where, "keyPrefix", "must be at most 64 printable ASCII characters without spaces.");
  }
  return { client, keyPrefix, timeoutMs: checkMs(where, "timeoutMs", options.timeoutMs, 250) };
}
