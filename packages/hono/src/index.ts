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
export { type BearerAuthMiddleware, bearerAuth } from "./bearer-auth.js";
export type { AuthEnv, AuthVariables } from "./context.js";
export { bearerErrorResponse, toHTTPException } from "./errors.js";
export { requireScope, requireScopes } from "./require-scopes.js";
export { resourceMetadata } from "./resource-metadata.js";
