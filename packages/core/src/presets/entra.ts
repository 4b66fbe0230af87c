import { optionKeys } from "../base/option-keys.js";
import { InvalidTokenError } from "../http/errors.js";
import type { VerifierOptions } from "../options/verifier-options.js";
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

/** Access token versions: `"1.0"` (issuer `sts.windows.net`) and `"2.0"` (issuer `login.microsoftonline.com/…/v2.0`). */
export type EntraTokenVersion = "1.0" | "2.0";

export interface EntraPresetOptions extends PresetOptions {
  /** The directory (tenant) id, a GUID. */
  tenantId: string;
  /**
   * The API's identifier as it appears in `aud`: the application (client) id for v2.0 tokens, the
   * Application ID URI (e.g. `api://…`) for v1.0 tokens. List both if clients get either.
   */
  audience: string | readonly string[];
  /** Token versions accepted. Default: `["1.0", "2.0"]`. */
  versions?: readonly EntraTokenVersion[];
}

const ENTRA_OPTION_KEYS = optionKeys<EntraPresetOptions>()([
  "tenantId",
  "audience",
  "versions",
  ...PRESET_OPTION_KEYS,
]);

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Issuer and JWKS URL of each Entra ID token version for a tenant. */
export function entraEndpoints(
  tenantId: string,
): Record<EntraTokenVersion, { issuer: string; jwksUri: string }> {
  return {
    "1.0": {
      issuer: `https://sts.windows.net/${tenantId}/`,
      jwksUri: `https://login.microsoftonline.com/${tenantId}/discovery/keys`,
    },
    "2.0": {
      issuer: `https://login.microsoftonline.com/${tenantId}/v2.0`,
      jwksUri: `https://login.microsoftonline.com/${tenantId}/discovery/v2.0/keys`,
    },
  };
}

/** Claims only an ID token carries (OpenID Connect Core §2, §3.3.2.11): an access token never does. */
const ID_TOKEN_CLAIMS = ["nonce", "at_hash", "c_hash"] as const;

/**
 * Whether `claims` (of a token from the issuer of `version`) are an Entra access token of that
 * version, as Microsoft documents them (access-token-claims-reference, id-token-claims-reference):
 * `ver` is the version; a v1.0 access token names its client in `appid`, a v2.0 one in `azp`, and
 * an ID token carries neither; no `nonce`, `at_hash` or `c_hash`; `idtyp`, when present, is `"app"`
 * for an app-only token (no `scp`) and `"user"` for a delegated one.
 */
export function isEntraAccessToken(
  claims: Readonly<Record<string, unknown>>,
  version: EntraTokenVersion,
): boolean {
  if (claims.ver !== version) return false;
  const client = version === "1.0" ? claims.appid : claims.azp;
  if (typeof client !== "string" || client.length === 0) return false;
  if (ID_TOKEN_CLAIMS.some((name) => claims[name] !== undefined)) return false;
  return claims.idtyp === undefined || claims.idtyp === (claims.scp === undefined ? "app" : "user");
}

/**
 * Microsoft Entra ID (Azure AD) app-only tokens: v1.0 issuer `https://sts.windows.net/{tid}/` and v2.0
 * issuer `https://login.microsoftonline.com/{tid}/v2.0`, each with its tenant's keys; `tid` must be
 * the tenant; permissions from the app roles in `roles`. The calling client is `azp` (v2.0) or
 * `appid` (v1.0). Only access tokens pass: an ID token (whose `aud` is the client id, so it would
 * match when the API and the signing-in client share one app registration) is refused with
 * `ERR_TOKEN_TYPE`, see {@link isEntraAccessToken}.
 */
export function entra(options: EntraPresetOptions, overrides?: PresetOverrides): VerifierOptions {
  refusePresetKeys("entra", options, ENTRA_OPTION_KEYS, overrides);
  const tenantId = requireString("entra", "tenantId", options?.tenantId).toLowerCase();
  if (!GUID.test(tenantId)) {
    throw presetError(
      "entra",
      "tenantId",
      "expected the directory (tenant) id, a GUID; a domain name is not the issuer.",
    );
  }
  const versions: readonly EntraTokenVersion[] = options.versions ?? ["1.0", "2.0"];
  const given: unknown = versions;
  if (!Array.isArray(given) || given.length === 0 || given.some((v) => v !== "1.0" && v !== "2.0")) {
    throw presetError("entra", "versions", 'expected a non-empty array of "1.0" and/or "2.0".');
  }
  const endpoints = entraEndpoints(tenantId);
  const chosen = [...new Set(versions)].map((v) => endpoints[v]);
  const allowed = allowList("entra", options);
  return withOverrides(
    {
      issuer: chosen.map((e) => e.issuer),
      audience: stringList("entra", "audience", options.audience),
      jwksUri: Object.fromEntries(chosen.map((e) => [e.issuer, e.jwksUri])),
      requiredClaims: ["tid"],
      scopeClaims: ["roles"],
      clientIdClaims: ["azp", "appid"],
      allowedClientIds: allowed,
      validators: [
        (claims) => {
          if (typeof claims.tid !== "string" || claims.tid.toLowerCase() !== tenantId) {
            throw new InvalidTokenError("ERR_TOKEN_CLAIM_INVALID");
          }
          const version = claims.iss === endpoints["1.0"].issuer ? "1.0" : "2.0";
          if (!isEntraAccessToken(claims, version)) throw new InvalidTokenError("ERR_TOKEN_TYPE");
          return true;
        },
      ],
    },
    overrides,
  );
}
