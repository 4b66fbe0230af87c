// @ts-check
/**
 * With `REDIS_URL`, what must hold across instances lives in Redis (docs/scaling.md): the key set,
 * fetched once for the fleet, and the DPoP proofs seen (a replay at one instance is a replay at all). The service starts even while Redis is down: key fetches then happen
 * per instance, and scopegate's Redis stores fail closed where they must.
 */
import { createRedisJwksStore, createRedisReplayStore } from "@scopegate/redis";
import { createClient } from "redis";

/**
 * @param {import("./index.js").Config} config
 * @returns {Promise<import("./index.js").SharedState | null>}
 */
export async function connectSharedState(config) {
  if (config.redisUrl === undefined) return null;
  const client = createClient({
    url: config.redisUrl,
    // Nothing waits for a Redis that is away: commands fail at once and scopegate's bounds apply.
    disableOfflineQueue: true,
    socket: { connectTimeout: 2_000, reconnectStrategy: (retries) => Math.min(50 * 2 ** retries, 2_000) },
  });
  // Connection errors are expected while Redis restarts; scopegate reports what they cost.
  client.on("error", () => undefined);
  client.connect().catch(() => undefined);
  return {
    jwksStore: createRedisJwksStore({ client }),
    // Fails closed (503) while Redis cannot answer: a replay is never let through.
    replayStore: createRedisReplayStore({ client }),
    close: async () => {
      client.destroy();
    },
  };
}
