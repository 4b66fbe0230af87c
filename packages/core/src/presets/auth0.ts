import { optionKeys } from "../base/option-keys.js";
import type { VerifierOptions } from "../options/verifier-options.js";
import {
  allowList,
  baseUrl,
  PRESET_OPTION_KEYS,
  type PresetOptions,
  type PresetOverrides,
  refusePresetKeys,
  stringList,
  withOverrides,
} from "./shared.js";

export interface Auth0PresetOptions extends PresetOptions {
  /** The tenant's domain (`example.us.auth0.com`) or custom domain; `https://` and a trailing slash are optional. */
  domain: string;
  /** The API's Identifier in Auth0 (what clients send as `audience`). */
  audience: string | readonly string[];
}

const AUTH0_OPTION_KEYS = optionKeys<Auth0PresetOptions>()(["domain", "audience", ...PRESET_OPTION_KEYS]);

/**
 * Auth0: issuer `https://{domain}/` (with the trailing slash Auth0 puts in `iss`), keys at
 * `https://{domain}/.well-known/jwks.json`, scopes from `scope` and, with RBAC, `permissions`. The
 * calling client is `azp` (or `client_id` with the RFC 9068 token profile).
 */
export function auth0(options: Auth0PresetOptions, overrides?: PresetOverrides): VerifierOptions {
  refusePresetKeys("auth0", options, AUTH0_OPTION_KEYS, overrides);
  const url = baseUrl("auth0", "domain", options?.domain, { pathAllowed: false });
  const origin = `https://${url.host}`;
  return withOverrides(
    {
      issuer: `${origin}/`,
      audience: stringList("auth0", "audience", options.audience),
      jwksUri: `${origin}/.well-known/jwks.json`,
      scopeClaims: ["scope", "permissions"],
      allowedClientIds: allowList("auth0", options),
    },
    overrides,
  );
}
