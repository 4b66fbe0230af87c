import { andThen, type MaybePromise } from "../base/maybe.js";
import { invalidOption } from "../base/option-checks.js";
import { base64url, equalBytes, hmacSha256 } from "./digest.js";
import { checkNonceSecretSource, createMemoryNonceSecrets, type NonceSecretSource } from "./nonce-secrets.js";

/**
 * Stateless DPoP nonces (RFC 9449 §8, §9): a nonce is the time it was issued and an HMAC of it under
 * a server secret, so any instance holding the secret can check it without remembering anything.
 * Format: base64url(6-byte issue time in seconds ‖ first 16 bytes of HMAC-SHA-256).
 */

export interface DpopNonceOptions {
  /** How long a nonce is accepted after it was issued, in seconds. Default: `300`. */
  maxAgeSec?: number;
  /**
   * A successful response carries a new nonce (`DPoP-Nonce`) once the one the proof used is older
   * than this, in seconds. Default: half of `maxAgeSec`.
   */
  refreshAfterSec?: number;
  /** Where the secrets come from; share one source between instances. Default: `createMemoryNonceSecrets()` (hourly rotation). */
  secrets?: NonceSecretSource;
}

/** Issues and checks nonces. */
export interface Nonces {
  readonly maxAgeSec: number;
  readonly refreshAfterSec: number;
  /** A new nonce. Rejects (or throws) only when the secret source fails. */
  issue(): string | Promise<string>;
  /** The age in seconds of a nonce this server issued and that has not expired; `undefined` otherwise. */
  ageOf(nonce: unknown): number | undefined | Promise<number | undefined>;
}

export type ResolvedNonceOptions = Nonces;

const KNOWN_KEYS = ["maxAgeSec", "refreshAfterSec", "secrets"];
const TIME_BYTES = 6;
const MAC_BYTES = 16;
const NONCE = /^[A-Za-z0-9_-]{30}$/;
const LABEL = new TextEncoder().encode("scopegate dpop nonce ");

function seconds(option: string, value: unknown, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value) || value < min) {
    return invalidOption(option, `expected a finite number of seconds >= ${min}; got ${String(value)}.`);
  }
  return value;
}

function timeBytes(issuedAtSec: number): Uint8Array {
  const bytes = new Uint8Array(TIME_BYTES);
  let rest = issuedAtSec;
  for (let i = TIME_BYTES - 1; i >= 0; i--) {
    bytes[i] = rest % 256;
    rest = Math.floor(rest / 256);
  }
  return bytes;
}

function macInput(time: Uint8Array): Uint8Array {
  const input = new Uint8Array(LABEL.length + time.length);
  input.set(LABEL);
  input.set(time, LABEL.length);
  return input;
}

function fromBase64url(text: string): Uint8Array {
  const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  return Uint8Array.from(binary, (char) => char.charCodeAt(0));
}

/** Validates nonce options and creates the nonces. Throws a `TypeError` naming the option. */
export function resolveNonceOptions(options: DpopNonceOptions, clock: () => number): ResolvedNonceOptions {
  if (typeof options !== "object" || options === null)
    return invalidOption("dpop.nonce", "expected true or an options object.");
  for (const key of Object.keys(options)) {
    if (!KNOWN_KEYS.includes(key))
      invalidOption(`dpop.nonce.${key}`, `there is no such option; it takes ${KNOWN_KEYS.join(", ")}.`);
  }
  const maxAgeSec = seconds("dpop.nonce.maxAgeSec", options.maxAgeSec, 300, 1);
  const refreshAfterSec = seconds("dpop.nonce.refreshAfterSec", options.refreshAfterSec, maxAgeSec / 2, 0);
  const source = checkNonceSecretSource("dpop.nonce.secrets", options.secrets) ?? createMemoryNonceSecrets();
  return createNonces({ maxAgeSec, refreshAfterSec, secrets: source, clock });
}

/** Creates stateless nonces over a secret source. */
export function createNonces(config: {
  maxAgeSec: number;
  refreshAfterSec: number;
  secrets: NonceSecretSource;
  clock: () => number;
}): Nonces {
  const { maxAgeSec, refreshAfterSec, secrets, clock } = config;
  const macOf = (secret: Uint8Array, time: Uint8Array) => hmacSha256(secret, macInput(time));
  const matchesAny = (
    list: readonly Uint8Array[],
    time: Uint8Array,
    mac: Uint8Array,
    at: number,
  ): MaybePromise<boolean> => {
    if (at >= list.length) return false;
    return andThen(macOf(list[at] as Uint8Array, time), (expected) =>
      equalBytes(expected.subarray(0, MAC_BYTES), mac) ? true : matchesAny(list, time, mac, at + 1),
    );
  };
  return {
    maxAgeSec,
    refreshAfterSec,
    issue() {
      const nowMs = clock();
      const time = timeBytes(Math.floor(nowMs / 1000));
      return andThen(secrets.secrets(nowMs), (list) => {
        const current = list[0];
        if (current === undefined)
          throw new TypeError("scopegate: the DPoP nonce secret source gave no secret.");
        return andThen(macOf(current, time), (mac) => {
          const nonce = new Uint8Array(TIME_BYTES + MAC_BYTES);
          nonce.set(time);
          nonce.set(mac.subarray(0, MAC_BYTES), TIME_BYTES);
          return base64url(nonce);
        });
      });
    },
    ageOf(nonce) {
      if (typeof nonce !== "string" || !NONCE.test(nonce)) return undefined;
      const bytes = fromBase64url(nonce);
      const time = bytes.subarray(0, TIME_BYTES);
      let issuedAtSec = 0;
      for (const byte of time) issuedAtSec = issuedAtSec * 256 + byte;
      const nowMs = clock();
      const age = nowMs / 1000 - issuedAtSec;
      if (age < -1 || age > maxAgeSec) return undefined;
      return andThen(secrets.secrets(nowMs), (list) =>
        andThen(matchesAny(list, time, bytes.subarray(TIME_BYTES), 0), (genuine) =>
          genuine ? Math.max(0, age) : undefined,
        ),
      );
    },
  };
}
