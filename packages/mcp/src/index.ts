export {
  createResourceMetadata,
  createVerifier,
  isBearerError,
  type ResourceMetadataOptions,
  type VerifiedToken,
  type Verifier,
  type VerifierOptions,
} from "@scopegate/core";
export { type AuthInfoContext, type ScopegateAuthExtra, toAuthInfo } from "./auth-info.js";
export { type McpNodeMiddleware, type McpNodeRequest, mcpBearerAuth } from "./bearer-auth.js";
export { mcpFetchAuth, mcpFetchResourceMetadata } from "./fetch-auth.js";
export { mcpResourceMetadata } from "./resource-metadata.js";
export { createTokenVerifier, type ScopegateTokenVerifier } from "./token-verifier.js";
export { requireToolScopes, type ToolScopesOptions } from "./tool-scopes.js";
