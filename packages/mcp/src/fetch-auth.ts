import type { AuthInfo } from "@modelcontextprotocol/server";
import {
  createResourceMetadata,
  isBearerError,
  type ResourceMetadataOptions,
  toErrorResponse,
  type Verifier,
} from "@scopegate/core";
import { toAuthInfo } from "./auth-info.js";

/**
 * For web-standard hosts (`fetch(request)` handlers: Hono, Cloudflare Workers, Bun, Deno): the
 * counterpart of `mcpBearerAuth()`. Resolves the request's `AuthInfo`, to pass on as
 * `handler.fetch(request, { authInfo })`, or the ready `Response` (401, 400 or 503) to return.
 */
export function mcpFetchAuth(verifier: Verifier): (request: Request) => Promise<AuthInfo | Response> {
  const { options } = verifier;
  return async (request) => {
    try {
      const token = await verifier.authenticate({
        headers: request.headers,
        method: request.method,
        query: new URL(request.url).searchParams,
      });
      return toAuthInfo(token, options);
    } catch (error) {
      if (!isBearerError(error)) throw error;
      const { status, headers, body } = toErrorResponse(error);
      return new Response(JSON.stringify(body), { status, headers });
    }
  };
}

/**
 * For web-standard hosts: the RFC 9728 metadata `Response` when `request` asks for the metadata path,
 * else `undefined` (serve the request yourself). The verifier needs a `resource`; options are checked now.
 */
export function mcpFetchResourceMetadata(
  verifier: Verifier,
  options?: ResourceMetadataOptions,
): (request: Request) => Response | undefined {
  const metadata = createResourceMetadata(verifier, options);
  return (request) => {
    if (new URL(request.url).pathname !== metadata.path) return undefined;
    const { status, headers, body } = metadata.respond(request.method);
    return new Response(body ?? null, { status, headers });
  };
}
