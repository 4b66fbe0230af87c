export {
  BearerError,
  createVerifier,
  type ErrorResponse,
  isBearerError,
  toErrorResponse,
  type VerifiedToken,
  type Verifier,
  type VerifierOptions,
} from "@scopegate/core";
export {
  type Decorator,
  OptionalAuth,
  Public,
  RequireAnyScope,
  RequireScopes,
  type RouteAccess,
  SCOPEGATE_ACCESS_METADATA,
} from "./access.js";
export { Auth, authOf } from "./auth.js";
export { AnyBearerError, type FilterResponse, ScopegateExceptionFilter } from "./exception-filter.js";
export { type HttpRequest, ScopegateGuard } from "./guard.js";
export { ScopegateModule } from "./module.js";
export type {
  ScopegateGuardOptions,
  ScopegateModuleAsyncOptions,
  ScopegateModuleExtras,
  ScopegateModuleOptions,
  ScopegateOptions,
} from "./options.js";
export {
  collectRouteScopes,
  createResourceMetadataController,
  type ScopegateResourceMetadataOptions,
} from "./resource-metadata.js";
export { SCOPEGATE_OPTIONS, SCOPEGATE_VERIFIER } from "./tokens.js";
