/** What a test authority serves: the endpoints a fault can be simulated on. */
export type AuthorityEndpoint = "jwks" | "discovery" | "introspection";

/** Path of the JWKS on the HTTP server. */
export const JWKS_PATH = "/jwks.json";
/** Path of the RFC 7662 introspection endpoint. */
export const INTROSPECTION_PATH = "/introspect";
const OIDC_SUFFIX = "/.well-known/openid-configuration";
const RFC8414_PREFIX = "/.well-known/oauth-authorization-server";

/**
 * Where clients look for `issuer`'s metadata: OpenID Connect Discovery 1.0 §4 (suffix) and
 * RFC 8414 §3 (well-known segment inserted before the issuer's path). Empty when `issuer` is not a URL.
 */
export function discoveryUrls(issuer: string): string[] {
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    return [];
  }
  const path = url.pathname.replace(/\/$/, "");
  return [`${url.origin}${path}${OIDC_SUFFIX}`, `${url.origin}${RFC8414_PREFIX}${path}`];
}

/** Routes an HTTP request path (query ignored) of the test server. */
export function routeForPath(pathname: string): AuthorityEndpoint | undefined {
  if (pathname === JWKS_PATH) return "jwks";
  if (pathname === INTROSPECTION_PATH) return "introspection";
  if (pathname.endsWith(OIDC_SUFFIX)) return "discovery";
  if (pathname === RFC8414_PREFIX || pathname.startsWith(`${RFC8414_PREFIX}/`)) return "discovery";
  return undefined;
}

/** The authorization server metadata served at both well-known paths. */
export function discoveryDocument(
  issuer: string,
  jwksUri: string,
  introspectionEndpoint: string,
): Record<string, unknown> {
  return {
    issuer,
    jwks_uri: jwksUri,
    introspection_endpoint: introspectionEndpoint,
    introspection_endpoint_auth_methods_supported: [
      "client_secret_basic",
      "client_secret_post",
      "private_key_jwt",
    ],
    grant_types_supported: ["client_credentials"],
    token_endpoint_auth_methods_supported: ["client_secret_basic", "private_key_jwt"],
    response_types_supported: ["token"],
    subject_types_supported: ["public"],
    id_token_signing_alg_values_supported: ["RS256"],
  };
}
