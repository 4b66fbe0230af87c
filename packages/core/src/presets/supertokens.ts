import { optionKeys } from "../base/option-keys.js";
import { InvalidTokenError } from "../http/errors.js";
import type { ClaimValidator, VerifierOptions } from "../options/verifier-options.js";
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

export interface SuperTokensPresetOptions extends PresetOptions {
  /** `appInfo.apiDomain` of the SuperTokens backend, e.g. `https://api.example.com`. */
  apiDomain: string;
  /** The audience the client asks for (SuperTokens puts it in `aud`). */
  audience: string | readonly string[];
  /** `appInfo.apiBasePath`. Default: `"/auth"`. */
  apiBasePath?: string;
}

const SUPERTOKENS_OPTION_KEYS = optionKeys<SuperTokensPresetOptions>()([
  "apiDomain",
  "audience",
  "apiBasePath",
  ...PRESET_OPTION_KEYS,
]);

/** SuperTokens Token Type: `1` is an OAuth2 access token (`0` a session token, `2` an ID token). */
export const supertokensAccessTokenOnly: ClaimValidator = (claims) => {
  if (claims.stt !== 1) throw new InvalidTokenError("ERR_TOKEN_TYPE");
  return true;
};

/**
 * SuperTokens (OAuth2 provider recipe): issuer `{apiDomain}{apiBasePath}`, keys at
 * `{issuer}/jwt/jwks.json`, scopes from the `scp` array, and `stt` must be `1` (an OAuth2 access
 * token). The calling client is `client_id`.
 */
export function supertokens(options: SuperTokensPresetOptions, overrides?: PresetOverrides): VerifierOptions {
  refusePresetKeys("supertokens", options, SUPERTOKENS_OPTION_KEYS, overrides);
  const domain = baseUrl("supertokens", "apiDomain", options?.apiDomain, { pathAllowed: false });
  const basePath = options.apiBasePath ?? "/auth";
  if (typeof basePath !== "string" || !/^(\/[A-Za-z0-9._~-]+)*\/?$/.test(basePath)) {
    throw presetError("supertokens", "apiBasePath", 'expected a path such as "/auth".');
  }
  const issuer = `${withoutTrailingSlash(domain)}${basePath.replace(/\/$/, "")}`;
  return withOverrides(
    {
      issuer,
      audience: stringList("supertokens", "audience", options.audience),
      jwksUri: `${issuer}/jwt/jwks.json`,
      requiredClaims: ["stt"],
      scopeClaims: ["scp"],
      allowedClientIds: allowList("supertokens", options),
      validators: [supertokensAccessTokenOnly],
    },
    overrides,
  );
}
