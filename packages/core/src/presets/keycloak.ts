import { optionKeys } from "../base/option-keys.js";
import { InvalidTokenError } from "../http/errors.js";
import type { ClaimValidator, VerifierOptions } from "../options/verifier-options.js";
import {
  allowList,
  baseUrl,
  PRESET_OPTION_KEYS,
  type PresetOptions,
  type PresetOverrides,
  refusePresetKeys,
  requireString,
  stringList,
  withOverrides,
  withoutTrailingSlash,
} from "./shared.js";

export interface KeycloakPresetOptions extends PresetOptions {
  /** Keycloak's base URL, e.g. `https://sso.example.com` (Keycloak before 17: `https://sso.example.com/auth`). */
  baseUrl: string;
  /** The realm's name. */
  realm: string;
  /** This API's client id as an audience mapper puts it in `aud`. */
  audience: string | readonly string[];
}

const KEYCLOAK_OPTION_KEYS = optionKeys<KeycloakPresetOptions>()([
  "baseUrl",
  "realm",
  "audience",
  ...PRESET_OPTION_KEYS,
]);

/** Keycloak names each token's kind in the `typ` claim: refuse ID and refresh tokens. */
export const keycloakAccessTokenOnly: ClaimValidator = (claims) => {
  if (claims.typ !== undefined && claims.typ !== "Bearer") throw new InvalidTokenError("ERR_TOKEN_TYPE");
  return true;
};

/**
 * Keycloak: issuer `{baseUrl}/realms/{realm}`, keys at `{issuer}/protocol/openid-connect/certs`,
 * scopes from `scope`, and the `typ` claim must be `Bearer` when present. The calling client is
 * `client_id` (service accounts) or `azp`.
 */
export function keycloak(options: KeycloakPresetOptions, overrides?: PresetOverrides): VerifierOptions {
  refusePresetKeys("keycloak", options, KEYCLOAK_OPTION_KEYS, overrides);
  const base = withoutTrailingSlash(baseUrl("keycloak", "baseUrl", options?.baseUrl));
  const realm = requireString("keycloak", "realm", options.realm);
  const issuer = `${base}/realms/${encodeURIComponent(realm)}`;
  return withOverrides(
    {
      issuer,
      audience: stringList("keycloak", "audience", options.audience),
      jwksUri: `${issuer}/protocol/openid-connect/certs`,
      scopeClaims: ["scope"],
      allowedClientIds: allowList("keycloak", options),
      validators: [keycloakAccessTokenOnly],
    },
    overrides,
  );
}
