export {
  BearerError,
  createVerifier,
  isBearerError,
  type VerifiedToken,
  type Verifier,
  type VerifierOptions,
} from "@scopegate/core";
export { type BearerAuthMiddleware, bearerAuth } from "./bearer-auth.js";
export type { ScopegateMiddleware } from "./context.js";
export { bearerErrorHandler, sendBearerError } from "./errors.js";
export type { AuthOptions, BearerAuthOptions, HandleErrors, RequireScopesOptions } from "./options.js";
export { requireScope, requireScopes, ScopegateConfigurationError } from "./require-scopes.js";
