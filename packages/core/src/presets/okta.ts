import { optionKeys } from "../base/option-keys.js";
import type { VerifierOptions } from "../options/verifier-options.js";
import {
  allowList,
  baseUrl,
  PRESET_OPTION_KEYS,
  type PresetOptions,
  type PresetOverrides,
  presetError,
  refusePresetKeys,
  stringList,
  withOverrides,
  withoutTrailingSlash,
} from "./shared.js";

export interface OktaPresetOptions extends PresetOptions {
  /** The custom authorization server's issuer, e.g. `https://example.okta.com/oauth2/default`. */
  issuer: string;
  /** The authorization server's audience, e.g. `api://default`. */
  audience: string | readonly string[];
}

const OKTA_OPTION_KEYS = optionKeys<OktaPresetOptions>()(["issuer", "audience", ...PRESET_OPTION_KEYS]);

/**
 * Okta custom authorization servers: issuer as configured (no trailing slash), keys at
 * `{issuer}/v1/keys`, scopes from the `scp` array. The calling client is `cid`. Tokens of the org
 * authorization server (`https://{domain}` without `/oauth2/…`) are for Okta's own APIs and are refused
 * here at set-up.
 */
export function okta(options: OktaPresetOptions, overrides?: PresetOverrides): VerifierOptions {
  refusePresetKeys("okta", options, OKTA_OPTION_KEYS, overrides);
  const url = baseUrl("okta", "issuer", options?.issuer);
  if (!/^\/oauth2\/[^/]+\/?$/.test(url.pathname)) {
    throw presetError(
      "okta",
      "issuer",
      "expected a custom authorization server's issuer (https://{domain}/oauth2/{id}, e.g. …/oauth2/default); org authorization server tokens cannot be verified by your API.",
    );
  }
  const issuer = withoutTrailingSlash(url);
  const allowed = allowList("okta", options);
  return withOverrides(
    {
      issuer,
      audience: stringList("okta", "audience", options.audience),
      jwksUri: `${issuer}/v1/keys`,
      scopeClaims: ["scp"],
      clientIdClaims: ["cid"],
      allowedClientIds: allowed,
    },
    overrides,
  );
}
