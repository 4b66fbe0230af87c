export {
  type AdapterRequireScopesOptions,
  AUTH_OPTION_KEYS,
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
  SCOPE_OPTION_KEYS,
  ScopegateConfigurationError,
} from "./adapter-options.js";
export {
  type AuthenticatingVerifier,
  type AuthOutcome,
  authenticateNow,
  authenticateThen,
} from "./authenticate-now.js";
export { type Algorithm, DEFAULT_ALGORITHMS, SUPPORTED_ALGORITHMS } from "./base/algorithms.js";
export { closestKey, optionKeys, refuseUnknownKeys } from "./base/option-keys.js";
export { RemoteFetchError, type RemoteFetchErrorCode } from "./base/remote-fetch-error.js";
export {
  canonicalResource,
  isLoopbackHost,
  isSameResource,
  resourceMetadataPath,
  resourceMetadataUrl,
} from "./base/resource.js";
export type {
  HeadersLike,
  JsonValue,
  JwtClaims,
  JwtHeader,
  NodeRequestLike,
  QueryLike,
  RequestLike,
  TokenConfirmation,
  VerifiedToken,
} from "./base/types.js";
export { type BindingContext, readBindingContext } from "./binding/binding-context.js";
export type {
  ClientCertificateOptions,
  ResolvedClientCertificateOptions,
  ResolvedTrustedProxy,
  TrustedProxyOptions,
} from "./binding/certificate-options.js";
export {
  DEFAULT_DPOP_ALGORITHMS,
  type DpopMode,
  type DpopOptions,
  type ResolvedDpopOptions,
} from "./binding/dpop-options.js";
export type { PublicUrl } from "./binding/htu.js";
export type { DpopNonceOptions, Nonces } from "./binding/nonce.js";
export {
  createMemoryNonceSecrets,
  type MemoryNonceSecretsOptions,
  type NonceSecretSource,
} from "./binding/nonce-secrets.js";
export type { PeerMatcher } from "./binding/peer-address.js";
export type { TrustedProxyKind } from "./binding/proxy-certificate.js";
export {
  createMemoryReplayStore,
  DEFAULT_REPLAY_STORE_ENTRIES,
  type MemoryReplayStore,
  type MemoryReplayStoreOptions,
  type ReplayStore,
} from "./binding/replay-store.js";
export { createEventHub, type EventHub } from "./events/event-hub.js";
export type {
  DiscoveryFailedEvent,
  DiscoverySucceededEvent,
  IntrospectionCacheHitEvent,
  IntrospectionFailedEvent,
  IntrospectionSucceededEvent,
  JwksFetchFailedEvent,
  JwksFetchSucceededEvent,
  JwksRefreshFailedEvent,
  ReplayDetectedEvent,
  ScopegateEvent,
  ScopegateEventListener,
  ScopegateEventType,
  StaleKeysServedEvent,
  TokenBinding,
  TokenRefusedEvent,
  TokenVerifiedEvent,
  UnknownKidEvent,
} from "./events/scopegate-event.js";
export { createAuthAccessor } from "./http/auth-accessor.js";
export {
  type BearerExtractionOptions,
  type CredentialScheme,
  extractBearerToken,
  parseAuthorizationHeader,
} from "./http/bearer.js";
export {
  type ChallengeParams,
  type ChallengeScheme,
  type ChallengeSchemes,
  formatChallenge,
  formatChallenges,
} from "./http/challenge.js";
export {
  type BearerErrorCode,
  type BearerErrorType,
  type CodesOf,
  ERROR_CODES,
  type InvalidDpopProofCode,
  type InvalidRequestCode,
  type InvalidTokenCode,
} from "./http/error-codes.js";
export {
  BearerError,
  type BearerErrorBody,
  type BearerErrorOptions,
  CredentialsRequiredError,
  DEFAULT_REALM,
  DpopNonceError,
  type DpopNonceErrorOptions,
  InsufficientScopeError,
  type InsufficientScopeOptions,
  InvalidDpopProofError,
  InvalidRequestError,
  InvalidTokenError,
  isBearerError,
} from "./http/errors.js";
export {
  createResourceMetadata,
  type ResourceMetadata,
  type ResourceMetadataDocument,
  type ResourceMetadataOptions,
  type ResourceMetadataResponse,
  type ResourceMetadataSource,
} from "./http/resource-metadata.js";
export { type ErrorResponse, toErrorResponse } from "./http/response.js";
export {
  DpopReplayUnavailableError,
  IntrospectionUnavailableError,
  JwksUnavailableError,
  type JwksUnavailableOptions,
} from "./http/unavailable-errors.js";
export { INTROSPECTED_HEADER } from "./introspection/introspection-answer.js";
export {
  IntrospectionFailure,
  type IntrospectionFailureCode,
} from "./introspection/introspection-failure.js";
export type {
  IntrospectionCacheOptions,
  IntrospectionClientAuthMethod,
  IntrospectionEvent,
  IntrospectionOptions,
  IntrospectionPrivateKey,
  ResolvedIntrospectionCacheOptions,
  ResolvedIntrospectionOptions,
} from "./introspection/introspection-options.js";
export {
  createMemoryIntrospectionStore,
  type IntrospectionRecord,
  type IntrospectionStore,
  type MemoryIntrospectionStoreOptions,
} from "./introspection/introspection-store.js";
export {
  createDiscovery,
  DISCOVERY_OPTION_KEYS,
  type Discovery,
  type DiscoveryEvent,
  type DiscoveryOptions,
} from "./keys/discovery.js";
export {
  createJwksCache,
  type FetchLike,
  type JwksCache,
  type JwksCacheEvent,
  type JwksCacheOptions,
  type JwksFetchReason,
  type JwksStatus,
  type KeysState,
  type SigningKey,
} from "./keys/jwks-cache.js";
export { JWKS_CACHE_OPTION_KEYS } from "./keys/jwks-cache-options.js";
export {
  createMemoryJwksStore,
  type JwksRecord,
  type JwksStore,
  type MemoryJwksStoreOptions,
  type SharedFetchRequest,
  type SharedJwksRecord,
} from "./keys/jwks-store.js";
export type {
  AuthReadiness,
  IssuerReadiness,
  ReadinessError,
} from "./keys/key-readiness.js";
export { isKeyCompatible, type KeySelector, type PublicJwk, selectKey } from "./keys/key-selection.js";
export {
  type AudienceOptions,
  type ClaimValidator,
  type ResolvedVerifierOptions,
  refuseUnknownVerifierKeys,
  type TokenTypeMode,
  VERIFIER_OPTION_KEYS,
  type VerifierBaseOptions,
  type VerifierDiscoveryOptions,
  type VerifierOptions,
} from "./options/verifier-options.js";
export {
  type Auth0PresetOptions,
  type CognitoPresetOptions,
  type EntraPresetOptions,
  type EntraTokenVersion,
  type KeycloakPresetOptions,
  type KeycloakRoleSource,
  type OktaPresetOptions,
  type PresetOptions,
  type PresetOverrides,
  presets,
  type SuperTokensPresetOptions,
} from "./presets/index.js";
export { type ClaimCheckOptions, checkClaims, checkClaimTimes, checkTokenType } from "./token/claims.js";
export {
  checkScopeRequirement,
  hasScopes,
  type RequireScopesOptions,
  readScopes,
  requireScopes,
  type ScopeClaim,
  type ScopeRequirement,
} from "./token/scopes.js";
export { DEFAULT_TOKEN_CACHE_ENTRIES, type TokenCacheOptions } from "./token/token-cache.js";
export { createVerifier, type Verifier } from "./verifier.js";
