import { optionKeys } from "../base/option-keys.js";
import { InvalidTokenError } from "../http/errors.js";
import type { ClaimValidator, VerifierOptions } from "../options/verifier-options.js";
import {
  allowList,
  PRESET_OPTION_KEYS,
  type PresetOptions,
  type PresetOverrides,
  presetError,
  refusePresetKeys,
  requireString,
  stringList,
  withOverrides,
} from "./shared.js";

export interface CognitoPresetOptions extends PresetOptions {
  /** The user pool's AWS region, e.g. `eu-west-1`. */
  region: string;
  /** The user pool id, e.g. `eu-west-1_AbCdEfGhI`. */
  userPoolId: string;
  /**
   * The app client id(s) whose access tokens are accepted. Cognito access tokens carry no `aud`:
   * this check is what binds a token to your API. (`allowedClientIds`, if given, adds to it.)
   */
  clientId: string | readonly string[];
}

const COGNITO_OPTION_KEYS = optionKeys<CognitoPresetOptions>()([
  "region",
  "userPoolId",
  "clientId",
  ...PRESET_OPTION_KEYS,
]);

/** Rejects Cognito ID tokens and anything else that is not an access token. */
export const cognitoAccessTokenOnly: ClaimValidator = (claims) => {
  if (claims.token_use !== "access") throw new InvalidTokenError("ERR_TOKEN_TYPE");
  return true;
};

const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;
const POOL_ID = /^([a-z]{2}(?:-[a-z]+)+-\d+)_[A-Za-z0-9]+$/;

/**
 * Amazon Cognito user pools: issuer `https://cognito-idp.{region}.amazonaws.com/{userPoolId}`, keys
 * at `{issuer}/.well-known/jwks.json`, no audience check (access tokens have no `aud`) but
 * `client_id` must be one of `clientId`, and `token_use` must be `access`. Scopes from `scope`
 * (`resource-server-id/scope-name`).
 */
export function cognito(options: CognitoPresetOptions, overrides?: PresetOverrides): VerifierOptions {
  refusePresetKeys("cognito", options, COGNITO_OPTION_KEYS, overrides);
  const region = requireString("cognito", "region", options?.region);
  if (!REGION.test(region))
    throw presetError("cognito", "region", `${JSON.stringify(region)} is not an AWS region.`);
  const userPoolId = requireString("cognito", "userPoolId", options.userPoolId);
  const poolRegion = POOL_ID.exec(userPoolId)?.[1];
  if (poolRegion === undefined) {
    throw presetError("cognito", "userPoolId", `expected "<region>_<id>", e.g. "${region}_AbCdEfGhI".`);
  }
  if (poolRegion !== region) {
    throw presetError("cognito", "userPoolId", `the pool is in ${poolRegion}, not in region ${region}.`);
  }
  const clients = [
    ...new Set([
      ...stringList("cognito", "clientId", options.clientId),
      ...(allowList("cognito", options) ?? []),
    ]),
  ];
  const issuer = `https://cognito-idp.${region}.amazonaws.com/${userPoolId}`;
  return withOverrides(
    {
      issuer,
      audience: null,
      jwksUri: `${issuer}/.well-known/jwks.json`,
      requiredClaims: ["token_use", "client_id"],
      scopeClaims: ["scope"],
      allowedClientIds: clients,
      validators: [cognitoAccessTokenOnly],
    },
    overrides,
  );
}
