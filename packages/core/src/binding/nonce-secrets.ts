import { checkMs, invalidOption } from "../base/option-checks.js";

/**
 * Where the secrets of stateless DPoP nonces come from. Share one source between instances (for
 * example over Redis) so that a nonce one instance issued is accepted by the others.
 */
export interface NonceSecretSource {
  /**
   * The secrets nonces are accepted under at `nowMs`, newest first: new nonces are made with the
   * first. At least one, each at least 32 random bytes. Rejecting or throwing fails the request with
   * 503, like an unavailable replay store.
   */
  secrets(nowMs: number): readonly Uint8Array[] | Promise<readonly Uint8Array[]>;
}

export interface MemoryNonceSecretsOptions {
  /** A new random secret is used every this many milliseconds; the previous one is still accepted. Default: `3_600_000` (an hour). */
  rotateEveryMs?: number;
}

/** Creates a {@link NonceSecretSource} in this process's memory: random 32-byte secrets, rotating. */
export function createMemoryNonceSecrets(options: MemoryNonceSecretsOptions = {}): NonceSecretSource {
  const rotateEveryMs = checkMs("rotateEveryMs", options.rotateEveryMs, 3_600_000, 1_000);
  const byPeriod = new Map<number, Uint8Array>();
  const secretOf = (period: number): Uint8Array => {
    let secret = byPeriod.get(period);
    if (secret === undefined) {
      secret = crypto.getRandomValues(new Uint8Array(32));
      byPeriod.set(period, secret);
      for (const known of byPeriod.keys()) if (known < period - 1) byPeriod.delete(known);
    }
    return secret;
  };
  return {
    secrets(nowMs) {
      const period = Math.floor(nowMs / rotateEveryMs);
      return [secretOf(period), secretOf(period - 1)];
    },
  };
}

/** Checks a `secrets` option. */
export function checkNonceSecretSource(option: string, value: unknown): NonceSecretSource | undefined {
  if (value === undefined) return undefined;
  if (
    typeof value !== "object" ||
    value === null ||
    typeof (value as NonceSecretSource).secrets !== "function"
  ) {
    return invalidOption(option, "expected an object with a secrets(nowMs) method.");
  }
  return value as NonceSecretSource;
}
