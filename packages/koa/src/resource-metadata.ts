import { createResourceMetadata, type ResourceMetadataOptions, type Verifier } from "@scopegate/core";
import type { Middleware } from "koa";

/**
 * Serves the verifier's RFC 9728 protected resource metadata at its path (the path of the verifier's
 * `resourceMetadataUrl`, else the well-known path of its `resource`: `https://api.example.com/mcp` →
 * `/.well-known/oauth-protected-resource/mcp`) with `Cache-Control` and
 * `Access-Control-Allow-Origin: *`; every other request goes on down the stack. Mount it with
 * `app.use(...)` before authentication. The verifier needs a `resource`; options are checked now.
 */
export function resourceMetadata(verifier: Verifier, options?: ResourceMetadataOptions): Middleware {
  const metadata = createResourceMetadata(verifier, options);
  return async function scopegateResourceMetadata(ctx, next) {
    if (ctx.path !== metadata.path) return next();
    const { status, headers, body } = metadata.respond(ctx.method);
    ctx.status = status;
    ctx.set(headers);
    if (body !== undefined) ctx.body = body;
    return undefined;
  };
}
