import type { IncomingMessage, ServerResponse } from "node:http";
import { createResourceMetadata, type ResourceMetadataOptions, type Verifier } from "@scopegate/core";
import type { McpNodeMiddleware } from "./bearer-auth.js";
import { sendNodeResponse } from "./node-response.js";

function pathOf(req: IncomingMessage): string {
  const url = req.url ?? "/";
  const query = url.indexOf("?");
  return query === -1 ? url : url.slice(0, query);
}

/**
 * Node middleware (Express, Connect) that serves the verifier's RFC 9728 protected resource
 * metadata at its path (for a resource `https://mcp.example.com/mcp`:
 * `/.well-known/oauth-protected-resource/mcp`), with `Cache-Control` and
 * `Access-Control-Allow-Origin: *`; other paths go to `next()`. Mount it before any authentication.
 * The verifier needs a `resource`; options are checked now.
 */
export function mcpResourceMetadata(
  verifier: Verifier,
  options?: ResourceMetadataOptions,
): McpNodeMiddleware {
  const metadata = createResourceMetadata(verifier, options);
  return function scopegateMcpResourceMetadata(req: IncomingMessage, res: ServerResponse, next): void {
    if (pathOf(req) !== metadata.path) {
      next();
      return;
    }
    sendNodeResponse(res, metadata.respond(req.method));
  };
}
