import { randomUUID } from "node:crypto";
import {
  createMemoryJwksStore,
  type JwksStore,
  refuseUnknownKeys,
  type SharedFetchRequest,
  type SharedJwksRecord,
} from "@scopegate/core";
import { RedisUnavailableError, sendWithin } from "./redis-client.js";
import { redisKey } from "./redis-keys.js";
import { checkMs, invalid, type RedisStoreOptions, resolveRedisStoreOptions } from "./redis-options.js";

export interface RedisJwksStoreOptions extends RedisStoreOptions {
  /**
   * How long the instance that fetches for the fleet holds the fetch lock; longer than the JWKS
   * cache's fetch `timeoutMs`. Default: `10_000`.
   */
  lockMs?: number;
  /**
   * How long an instance waits for another instance's fetch before it fetches on its own.
   * Default: `lockMs`.
   */
  waitMs?: number;
  /** How often a waiting instance looks for the result. Default: `50`. */
  pollMs?: number;
  /** How long a key set stays in Redis after it was fetched. Default: `86_400_000` (a day). */
  recordTtlMs?: number;
  /**
   * Where this instance keeps the key sets it reads on every verification (reads never touch
   * Redis). Default: core's bounded memory store.
   */
  local?: JwksStore;
  /** Called when Redis could not answer and the instance fetched on its own. Default: none. */
  onUnavailable?: (error: RedisUnavailableError) => void;
}

const WHERE = "createRedisJwksStore";
const KNOWN = [
  "client",
  "keyPrefix",
  "timeoutMs",
  "lockMs",
  "waitMs",
  "pollMs",
  "recordTtlMs",
  "local",
  "onUnavailable",
] as const;

/** Deletes the lock only while it is still ours (it may have expired and been taken by another). */
const RELEASE_LOCK =
  'if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) end return 0';

/**
 * A JWKS store for a fleet: pass it as `jwks: { store }` to every instance's verifier (or JWKS
 * cache). Verifications read keys from process memory as always; when keys are due (first use,
 * refresh, an unknown `kid`) the instances coordinate through Redis: a key set that another
 * instance fetched since is taken from Redis, otherwise one instance takes a lock and fetches, and
 * the others read its result. When Redis cannot answer within `timeoutMs`, an instance fetches on its
 * own: Redis saves fetches, it never stands between a service and its keys.
 */
export function createRedisJwksStore(options: RedisJwksStoreOptions): JwksStore {
  const base = resolveRedisStoreOptions(WHERE, options);
  // A typo must not silently change how a fleet behaves.
  refuseUnknownKeys(options, KNOWN, WHERE);
  const lockMs = checkMs(WHERE, "lockMs", options.lockMs, 10_000);
  const waitMs = checkMs(WHERE, "waitMs", options.waitMs, lockMs);
  const pollMs = checkMs(WHERE, "pollMs", options.pollMs, 50);
  const recordTtlMs = checkMs(WHERE, "recordTtlMs", options.recordTtlMs, 86_400_000);
  const local = options.local ?? createMemoryJwksStore();
  if (
    typeof local?.get !== "function" ||
    typeof local.set !== "function" ||
    typeof local.delete !== "function"
  ) {
    invalid(WHERE, "local", "must be a JwksStore (get, set, delete).");
  }
  const onUnavailable = options.onUnavailable;
  if (onUnavailable !== undefined && typeof onUnavailable !== "function") {
    invalid(WHERE, "onUnavailable", "must be a function.");
  }
  const send = (args: string[]) => sendWithin(base.client, args, base.timeoutMs);

  async function share(recordKey: string, record: SharedJwksRecord): Promise<void> {
    const text = JSON.stringify({ keys: record.keys, fetchedAt: record.fetchedAt });
    await send(["SET", recordKey, text, "PX", String(recordTtlMs)]).catch(() => undefined);
  }

  async function coordinate(uri: string, request: SharedFetchRequest): Promise<SharedJwksRecord> {
    const recordKey = redisKey(base.keyPrefix, "jwks", uri);
    const lockKey = redisKey(base.keyPrefix, "jwks-lock", uri);
    const deadline = Date.now() + waitMs;
    for (;;) {
      const shared = readRecord(await send(["GET", recordKey]));
      if (shared !== undefined && shared.fetchedAt > request.after) return shared;
      const token = randomUUID();
      if ((await send(["SET", lockKey, token, "NX", "PX", String(lockMs)])) === "OK") {
        try {
          const fetched = await request.fetch();
          await share(recordKey, fetched);
          return fetched;
        } finally {
          void send(["EVAL", RELEASE_LOCK, "1", lockKey, token]).catch(() => undefined);
        }
      }
      if (Date.now() + pollMs > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
    // The fetching instance took too long: fetch here, and share the result.
    const fetched = await request.fetch();
    await share(recordKey, fetched);
    return fetched;
  }

  return {
    get: (uri) => local.get(uri),
    set: (uri, record) => local.set(uri, record),
    delete: (uri) => local.delete(uri),
    async sharedFetch(uri, request) {
      try {
        return await coordinate(uri, request);
      } catch (error) {
        // A failed fetch of our own is a failed fetch; Redis failing is not a reason to go without keys.
        if (!(error instanceof RedisUnavailableError)) throw error;
        try {
          onUnavailable?.(error);
        } catch {
          // a listener's failure changes nothing
        }
        return request.fetch();
      }
    },
  };
}

/** A key set read back from Redis, or `undefined` for anything else (the cache checks the keys again). */
function readRecord(reply: unknown): SharedJwksRecord | undefined {
  if (typeof reply !== "string") return undefined;
  let value: unknown;
  try {
    value = JSON.parse(reply);
  } catch {
    return undefined;
  }
  if (typeof value !== "object" || value === null) return undefined;
  const { keys, fetchedAt } = value as { keys?: unknown; fetchedAt?: unknown };
  if (!Array.isArray(keys) || typeof fetchedAt !== "number" || !Number.isFinite(fetchedAt)) return undefined;
  return { keys, fetchedAt };
}
