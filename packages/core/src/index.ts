export {
  type AdapterRequireScopesOptions,
  type AuthOptions,
  authenticateOptional,
  type BearerAuthOptions,
  type HandleErrors,
  isVerifier,
  type ResolvedAuthOptions,
  type ResolvedScopeOptions,
  resolveAuthOptions,
  resolveScopeOptions,
  resolveSingleScopeOptions,
  ScopegateConfigurationError,
} from "./adapter-options.js";
export { type Algorithm, DEFAULT_ALGORITHMS, SUPPORTED_ALGORITHMS } from "./algorithms.js";
export { type BearerExtractionOptions, extractBearerToken, parseAuthorizationHeader } from "./bearer.js";
export { type ChallengeParams, formatChallenge } from "./challenge.js";
export { checkClaims, checkTokenType } from "./claims.js";
export { createDiscovery, type Discovery, type DiscoveryEvent, type DiscoveryOptions } from "./discovery.js";
export {
  BearerError,
  type BearerErrorBody,
  type BearerErrorCode,
  type BearerErrorOptions,
  type BearerErrorType,
  CredentialsRequiredError,
  DEFAULT_REALM,
  ERROR_CODES,
  InsufficientScopeError,
  type InsufficientScopeOptions,
  type InvalidRequestCode,
  InvalidRequestError,
  type InvalidTokenCode,
  InvalidTokenError,
  isBearerError,
  JwksUnavailableError,
  type JwksUnavailableOptions,
} from "./errors.js";
export { RemoteFetchError, type RemoteFetchErrorCode } from "./fetch-json.js";
export {
  createJwksCache,
  type FetchLike,
  type JwksCache,
  type JwksCacheEvent,
  type JwksCacheOptions,
  type JwksFetchReason,
  type SigningKey,
} from "./jwks-cache.js";
export {
  createMemoryJwksStore,
  type JwksRecord,
  type JwksStore,
  type MemoryJwksStoreOptions,
} from "./jwks-store.js";
export { isKeyCompatible, type KeySelector, type PublicJwk, selectKey } from "./key-selection.js";
export type { ClaimValidator, ResolvedVerifierOptions, TokenTypeMode, VerifierOptions } from "./options.js";
export {
  type Auth0PresetOptions,
  type CognitoPresetOptions,
  type EntraPresetOptions,
  type EntraTokenVersion,
  type KeycloakPresetOptions,
  type OktaPresetOptions,
  type PresetOptions,
  type PresetOverrides,
  presets,
  type SuperTokensPresetOptions,
} from "./presets/index.js";
export { type ErrorResponse, toErrorResponse } from "./response.js";
export {
  checkScopeRequirement,
  hasScopes,
  type RequireScopesOptions,
  readScopes,
  requireScopes,
  type ScopeRequirement,
} from "./scopes.js";
export { DEFAULT_TOKEN_CACHE_ENTRIES, type TokenCacheOptions } from "./token-cache.js";
export type {
  HeadersLike,
  JsonValue,
  JwtClaims,
  JwtHeader,
  QueryLike,
  RequestLike,
  VerifiedToken,
} from "./types.js";
export { createVerifier, type Verifier } from "./verifier.js";
