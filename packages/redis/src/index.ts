export { createRedisJwksStore, type RedisJwksStoreOptions } from "./jwks-store.js";
export { type RedisCommandClient, RedisUnavailableError } from "./redis-client.js";
export type { RedisStoreOptions } from "./redis-options.js";
