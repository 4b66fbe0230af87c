import { auth0 } from "./auth0.js";
import { cognito } from "./cognito.js";
import { entra } from "./entra.js";
import { keycloak } from "./keycloak.js";
import { okta } from "./okta.js";
import { supertokens } from "./supertokens.js";

export type { Auth0PresetOptions } from "./auth0.js";
export type { CognitoPresetOptions } from "./cognito.js";
export type { EntraPresetOptions, EntraTokenVersion } from "./entra.js";
export type { KeycloakPresetOptions, KeycloakRoleSource } from "./keycloak.js";
export type { OktaPresetOptions } from "./okta.js";
export type { PresetOptions, PresetOverrides } from "./shared.js";
export type { SuperTokensPresetOptions } from "./supertokens.js";

/**
 * Verifier options for well-known authorization servers, one line each:
 * `createVerifier(presets.auth0({ domain, audience }))`. Each takes an optional second argument of
 * verifier options that replace the preset's (validators are appended).
 */
export const presets = Object.freeze({ auth0, cognito, entra, keycloak, okta, supertokens });
