import { optionKeys } from "../base/option-keys.js";
import { InvalidTokenError } from "../http/errors.js";
import type { ClaimValidator, VerifierOptions } from "../options/verifier-options.js";
import type { ScopeClaim } from "../token/scopes.js";
import {
  allowList,
  baseUrl,
  PRESET_OPTION_KEYS,
  type PresetOptions,
  type PresetOverrides,
  presetError,
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
  /**
   * Roles read as scopes besides `scope`: `"client"`, the roles of this API's own client
   * (`resource_access.<audience>.roles`, for each audience listed; roles its administrators define
   * for it), and `"realm"`, the realm roles (`realm_access.roles`, shared by every client of the
   * realm). `[]` reads `scope` only. Default: `["client"]`.
   */
  roles?: readonly KeycloakRoleSource[];
}

/** Where the Keycloak preset reads roles: the API client's own roles, or the realm's. */
export type KeycloakRoleSource = "client" | "realm";

const KEYCLOAK_OPTION_KEYS = optionKeys<KeycloakPresetOptions>()([
  "baseUrl",
  "realm",
  "audience",
  "roles",
  ...PRESET_OPTION_KEYS,
]);

/** Keycloak names each token's kind in the `typ` claim: refuse ID and refresh tokens. */
export const keycloakAccessTokenOnly: ClaimValidator = (claims) => {
  if (claims.typ !== undefined && claims.typ !== "Bearer") throw new InvalidTokenError("ERR_TOKEN_TYPE");
  return true;
};

/**
 * Keycloak: issuer `{baseUrl}/realms/{realm}`, keys at `{issuer}/protocol/openid-connect/certs`,
 * scopes from `scope` and then the roles `roles` names (by default this API client's own,
 * `resource_access.<audience>.roles`), and the `typ` claim must be `Bearer` when present. The calling
 * client is `client_id` (service accounts) or `azp`.
 */
export function keycloak(options: KeycloakPresetOptions, overrides?: PresetOverrides): VerifierOptions {
  refusePresetKeys("keycloak", options, KEYCLOAK_OPTION_KEYS, overrides);
  const base = withoutTrailingSlash(baseUrl("keycloak", "baseUrl", options?.baseUrl));
  const realm = requireString("keycloak", "realm", options.realm);
  const issuer = `${base}/realms/${encodeURIComponent(realm)}`;
  const audience = stringList("keycloak", "audience", options.audience);
  return withOverrides(
    {
      issuer,
      audience,
      jwksUri: `${issuer}/protocol/openid-connect/certs`,
      scopeClaims: keycloakScopeClaims(audience, options.roles),
      allowedClientIds: allowList("keycloak", options),
      validators: [keycloakAccessTokenOnly],
    },
    overrides,
  );
}

/** `scope`, then the role claims `roles` names (checked). */
function keycloakScopeClaims(audience: readonly string[], roles: unknown = ["client"]): ScopeClaim[] {
  if (!Array.isArray(roles) || roles.some((source) => source !== "client" && source !== "realm")) {
    throw presetError(
      "keycloak",
      "roles",
      'expected an array of "client" and/or "realm" (or [] for scope only).',
    );
  }
  const claims: ScopeClaim[] = ["scope"];
  if (roles.includes("client"))
    for (const client of audience) claims.push(["resource_access", client, "roles"]);
  if (roles.includes("realm")) claims.push(["realm_access", "roles"]);
  return claims;
}
