import { createResourceMetadata, type ResourceMetadataOptions, type Verifier } from "@scopegate/core";
import type {
  FastifyInstance,
  FastifyPluginCallback,
  FastifyReply,
  FastifyRequest,
  HTTPMethods,
} from "fastify";
import fp from "fastify-plugin";

/** Every method but HEAD, which Fastify adds to a GET route itself. */
const METHODS: HTTPMethods[] = ["GET", "OPTIONS", "POST", "PUT", "PATCH", "DELETE"];

/**
 * A plugin that serves the verifier's RFC 9728 protected resource metadata at its path (the path of
 * the verifier's `resourceMetadataUrl`, else the well-known path of its `resource`:
 * `https://api.example.com/mcp` → `/.well-known/oauth-protected-resource/mcp`), with `Cache-Control`
 * and `Access-Control-Allow-Origin: *`: GET and HEAD answer the document, OPTIONS the CORS preflight
 * (204), other methods 405 with `Allow`. Register it outside the `scopegate` plugin's context, so
 * that the document needs no token: `app.register(resourceMetadata(verifier, { scopesSupported }))`.
 * Wrapped with `fastify-plugin`, so a `prefix` does not move it. The verifier needs a `resource`;
 * options are checked now.
 */
export function resourceMetadata(
  verifier: Verifier,
  options?: ResourceMetadataOptions,
): FastifyPluginCallback {
  const metadata = createResourceMetadata(verifier, options);
  function scopegateResourceMetadata(
    fastify: FastifyInstance,
    _options: unknown,
    done: (error?: Error) => void,
  ) {
    fastify.route({
      method: METHODS,
      url: metadata.path,
      handler(request: FastifyRequest, reply: FastifyReply) {
        const { status, headers, body } = metadata.respond(request.method);
        reply
          .code(status)
          .headers(headers)
          .send(body ?? "");
      },
    });
    done();
  }
  return fp(scopegateResourceMetadata, { fastify: "4.x || 5.x" });
}
