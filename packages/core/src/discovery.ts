// PLACEHOLDER — being replaced by the full implementation (RFC 8414 + OIDC, issuer mix-up defence,
// caching, timeouts, size bounds). The public interface below is fixed.
import { JwksUnavailableError } from "./errors.js";
import type { FetchLike } from "./jwks-cache.js";

export interface DiscoveryOptions {
  fetch?: FetchLike;
  timeoutMs?: number;
  clock?: () => number;
}

export interface Discovery {
  /** The `jwks_uri` of `issuer`'s metadata. Throws `JwksUnavailableError` when it cannot be had. */
  jwksUri(issuer: string): Promise<string>;
}

export function createDiscovery(options: DiscoveryOptions = {}): Discovery {
  const doFetch: FetchLike = options.fetch ?? ((input, init) => fetch(input, init));
  return {
    async jwksUri(issuer) {
      try {
        const res = await doFetch(`${issuer.replace(/\/$/, "")}/.well-known/openid-configuration`);
        const meta = (await res.json()) as { issuer: string; jwks_uri: string };
        if (meta.issuer !== issuer) throw new Error("issuer mismatch");
        return meta.jwks_uri;
      } catch (cause) {
        throw new JwksUnavailableError({ cause });
      }
    },
  };
}
