import { createResourceMetadata, type ResourceMetadataOptions, type Verifier } from "@scopegate/core";
import type { NextFunction, Request, Response } from "express";
import type { ScopegateMiddleware } from "./context.js";

/**
 * Serves the verifier's RFC 9728 protected resource metadata at its path (the path of the verifier's
 * `resourceMetadataUrl`, else the well-known path of its `resource`: `https://api.example.com/mcp` →
 * `/.well-known/oauth-protected-resource/mcp`) with `Cache-Control` and
 * `Access-Control-Allow-Origin: *`; every other request goes on to `next()`. Mount it with
 * `app.use(...)` before authentication. The verifier needs a `resource`; options are checked now.
 */
export function resourceMetadata(verifier: Verifier, options?: ResourceMetadataOptions): ScopegateMiddleware {
  const metadata = createResourceMetadata(verifier, options);
  return function scopegateResourceMetadata(req: Request, res: Response, next: NextFunction): void {
    if (req.path !== metadata.path) {
      next();
      return;
    }
    const { status, headers, body } = metadata.respond(req.method);
    res.status(status).set(headers);
    res.end(body);
  };
}
