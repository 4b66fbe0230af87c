import { type CryptoKey, importJWK } from "jose";
import type { Algorithm } from "./algorithms.js";
import { InvalidTokenError, JwksUnavailableError } from "./errors.js";
import { type KeySelector, type PublicJwk, selectKey } from "./key-selection.js";

// PLACEHOLDER — being replaced by the full resilient implementation (single flight, SWR, cooldown,
// stale-if-error, timeouts, size bounds). The public interface below is fixed.

/** A `fetch`-compatible function. Default: the global `fetch`. */
export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

/** A key ready to verify signatures. */
export interface SigningKey {
  readonly jwk: Readonly<PublicJwk>;
  readonly kid: string | undefined;
  readonly alg: Algorithm;
  /** The key imported for `alg` (WebCrypto `CryptoKey`). */
  readonly key: CryptoKey;
}

export interface JwksCache {
  /**
   * Resolves the key a token needs from the JWKS at `jwksUri`. Throws `InvalidTokenError`
   * (`ERR_TOKEN_KEY_NOT_FOUND`) when no key matches, `JwksUnavailableError` when no keys can be had.
   */
  getKey(jwksUri: string, selector: KeySelector): Promise<SigningKey>;
  /** Fetches the JWKS now (start-up warm-up). Rejects with `JwksUnavailableError` on failure. */
  warm(jwksUri: string): Promise<void>;
}

export interface JwksCacheOptions {
  fetch?: FetchLike;
}

export function createJwksCache(options: JwksCacheOptions = {}): JwksCache {
  const doFetch: FetchLike = options.fetch ?? ((input, init) => fetch(input, init));
  const sets = new Map<string, PublicJwk[]>();
  const load = async (uri: string): Promise<PublicJwk[]> => {
    try {
      const res = await doFetch(uri, { signal: AbortSignal.timeout(5000) });
      const json = (await res.json()) as { keys: PublicJwk[] };
      sets.set(uri, json.keys);
      return json.keys;
    } catch (cause) {
      throw new JwksUnavailableError({ cause });
    }
  };
  return {
    async getKey(uri, selector) {
      let keys = sets.get(uri) ?? (await load(uri));
      let jwk = selectKey(keys, selector);
      if (!jwk) {
        keys = await load(uri);
        jwk = selectKey(keys, selector);
      }
      if (!jwk) throw new InvalidTokenError("ERR_TOKEN_KEY_NOT_FOUND");
      const key = (await importJWK(jwk as Parameters<typeof importJWK>[0], selector.alg)) as CryptoKey;
      return { jwk, kid: jwk.kid, alg: selector.alg, key };
    },
    async warm(uri) {
      await load(uri);
    },
  };
}
