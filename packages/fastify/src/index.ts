export {
  type AdapterRequireScopesOptions as RequireScopesOptions,
  type AuthOptions,
  type BearerAuthOptions,
  BearerError,
  createVerifier,
  type HandleErrors,
  isBearerError,
  type ResourceMetadataOptions,
  ScopegateConfigurationError,
  type VerifiedToken,
  type Verifier,
  type VerifierOptions,
} from "@scopegate/core";
export type { ScopegateHook } from "./context.js";
export { sendBearerError } from "./errors.js";
export { type ScopegatePluginOptions, scopegate } from "./plugin.js";
export { requireScope, requireScopes } from "./require-scopes.js";
export { resourceMetadata } from "./resource-metadata.js";
export type { RouteScopes } from "./route-config.js";
