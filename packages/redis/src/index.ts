export { createRedisJwksStore, type RedisJwksStoreOptions } from "./jwks-store.js";
export { createRedisNonceSecrets, type RedisNonceSecretsOptions } from "./nonce-secrets.js";
export { type RedisCommandClient, RedisUnavailableError } from "./redis-client.js";
export type { RedisStoreOptions } from "./redis-options.js";
export { createRedisReplayStore, type RedisReplayStoreOptions } from "./replay-store.js";
