import type { Discovery } from "./discovery.js";
import type { JwksCache, SigningKey } from "./jwks-cache.js";
import type { KeySelector } from "./key-selection.js";

/** The key step: where an issuer's keys are, and the key a token asks for. */
export interface KeyLookup {
  /**
   * The key for a token of `issuer` (one of the configured issuers): the key itself when the JWKS
   * cache holds it fresh and imported, a promise otherwise (discovery, fetch, import). Rejects with
   * `InvalidTokenError` (no such key) or `JwksUnavailableError` (no keys to be had).
   */
  keyFor(issuer: string, selector: KeySelector): SigningKey | Promise<SigningKey>;
  /** The JWKS URL of `issuer`: configured, or discovered from its metadata. */
  jwksUriFor(issuer: string): Promise<string>;
}

export interface KeyLookupOptions {
  readonly jwksCache: JwksCache;
  readonly discovery: Discovery;
  /** Configured JWKS URLs by issuer; the others are discovered. */
  readonly jwksUris: ReadonlyMap<string, string>;
}

/** Creates the key step over a JWKS cache and a discovery client. */
export function createKeyLookup({ jwksCache, discovery, jwksUris }: KeyLookupOptions): KeyLookup {
  const jwksUriFor = (issuer: string): Promise<string> => {
    const configured = jwksUris.get(issuer);
    return configured !== undefined ? Promise.resolve(configured) : discovery.jwksUri(issuer);
  };
  const fetchKey = async (issuer: string, selector: KeySelector): Promise<SigningKey> =>
    jwksCache.getKey(await jwksUriFor(issuer), selector);
  return {
    keyFor(issuer, selector) {
      const jwksUri = jwksUris.get(issuer);
      const key = jwksUri === undefined ? undefined : jwksCache.peekKey?.(jwksUri, selector);
      return key ?? fetchKey(issuer, selector);
    },
    jwksUriFor,
  };
}
