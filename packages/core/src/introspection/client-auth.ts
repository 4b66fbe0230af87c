import * as oauth from "oauth4webapi";
import type { IntrospectionPrivateKey, ResolvedIntrospectionOptions } from "./introspection-options.js";

/**
 * The resource server's client authentication at the introspection endpoint, as oauth4webapi does
 * it: `client_secret_basic` (RFC 6749 §2.3.1, form-encoded credentials in HTTP Basic),
 * `client_secret_post`, or `private_key_jwt` (a fresh signed assertion, `aud` the issuer, per request).
 */
export function createClientAuth(options: ResolvedIntrospectionOptions): oauth.ClientAuth {
  switch (options.clientAuthMethod) {
    case "client_secret_basic":
      return oauth.ClientSecretBasic(options.clientSecret as string);
    case "client_secret_post":
      return oauth.ClientSecretPost(options.clientSecret as string);
    case "private_key_jwt": {
      const { key, kid } = options.privateKey as IntrospectionPrivateKey;
      return oauth.PrivateKeyJwt(kid === undefined ? key : { key, kid });
    }
  }
}
