import { createResourceMetadata, type ResourceMetadataOptions, type Verifier } from "@scopegate/core";
import type { Context, Env, MiddlewareHandler, Next } from "hono";

/**
 * Middleware that serves the verifier's RFC 9728 protected resource metadata at its path (the path
 * of the verifier's `resourceMetadataUrl`, else the well-known path of its `resource`:
 * `https://api.example.com/mcp` → `/.well-known/oauth-protected-resource/mcp`), with `Cache-Control`
 * and `Access-Control-Allow-Origin: *`: GET and HEAD answer the document, OPTIONS the CORS preflight
 * (204), other methods 405 with `Allow`. Every other request goes on to `next()`. Mount it with
 * `app.use(resourceMetadata(verifier, { scopesSupported }))` before authentication. Web-standard only
 * (Node, Bun, Deno, Workers). The verifier needs a `resource`; options are checked now.
 */
export function resourceMetadata<E extends Env = Env>(
  verifier: Verifier,
  options?: ResourceMetadataOptions,
): MiddlewareHandler<E> {
  const metadata = createResourceMetadata(verifier, options);
  return async function scopegateResourceMetadata(c: Context<E>, next: Next): Promise<Response | undefined> {
    if (c.req.path !== metadata.path) {
      await next();
      return undefined;
    }
    const { status, headers, body } = metadata.respond(c.req.method);
    return new Response(body ?? null, { status, headers });
  };
}
