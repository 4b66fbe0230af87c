import { type NonceSecretSource, refuseUnknownKeys } from "@scopegate/core";
import { RedisUnavailableError, sendWithin } from "./redis-client.js";
import { checkMs, type RedisStoreOptions, resolveRedisStoreOptions } from "./redis-options.js";

export interface RedisNonceSecretsOptions extends RedisStoreOptions {
  /**
   * A new secret every this many milliseconds; nonces made under the previous one are still
   * accepted. Default: `3_600_000` (an hour).
   */
  rotateEveryMs?: number;
  /** How long an instance keeps a secret it read before reading it again. Default: `60_000`. */
  rereadAfterMs?: number;
}

const WHERE = "createRedisNonceSecrets";
const KNOWN = ["client", "keyPrefix", "timeoutMs", "rotateEveryMs", "rereadAfterMs"] as const;

/**
 * The secrets of stateless DPoP nonces, shared by a fleet: pass it as
 * `dpop: { nonce: { secrets } }` to every instance, so that a nonce one instance issued is accepted by
 * the others. One random 32-byte secret per rotation period, created by whichever instance asks first
 * (`SET key value NX GET`, Redis 7 or Valkey), kept in Redis for three periods. When Redis cannot
 * answer, nonces can be neither issued nor checked: the request fails closed with 503.
 */
export function createRedisNonceSecrets(options: RedisNonceSecretsOptions): NonceSecretSource {
  const base = resolveRedisStoreOptions(WHERE, options);
  // A typo must not silently change how a fleet behaves.
  refuseUnknownKeys(options, KNOWN, WHERE);
  const rotateEveryMs = checkMs(WHERE, "rotateEveryMs", options.rotateEveryMs, 3_600_000, 1_000);
  const rereadAfterMs = checkMs(WHERE, "rereadAfterMs", options.rereadAfterMs, 60_000);
  const known = new Map<number, { secret: Uint8Array; readAt: number }>();

  async function secretOf(period: number, nowMs: number, create: boolean): Promise<Uint8Array | undefined> {
    const cached = known.get(period);
    if (cached !== undefined && nowMs - cached.readAt < rereadAfterMs) return cached.secret;
    const key = `${base.keyPrefix}dpop-nonce-secret:${period}`;
    const mine = Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("base64url");
    const reply = create
      ? await sendWithin(
          base.client,
          ["SET", key, mine, "NX", "GET", "PX", String(3 * rotateEveryMs)],
          base.timeoutMs,
        )
      : await sendWithin(base.client, ["GET", key], base.timeoutMs);
    const text = typeof reply === "string" ? reply : create ? mine : undefined;
    if (text === undefined) return undefined;
    const secret = new Uint8Array(Buffer.from(text, "base64url"));
    if (secret.length < 32) throw new RedisUnavailableError("the shared nonce secret in Redis is malformed");
    known.set(period, { secret, readAt: nowMs });
    for (const old of known.keys()) if (old < period - 1) known.delete(old);
    return secret;
  }

  return {
    async secrets(nowMs) {
      const period = Math.floor(nowMs / rotateEveryMs);
      const current = (await secretOf(period, nowMs, true)) as Uint8Array;
      const previous = await secretOf(period - 1, nowMs, false);
      return previous === undefined ? [current] : [current, previous];
    },
  };
}
