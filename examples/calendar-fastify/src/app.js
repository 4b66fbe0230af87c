// @ts-check
import formbody from "@fastify/formbody";
import {
  isBearerError,
  requireScopes,
  resourceMetadata,
  scopegate,
  sendBearerError,
} from "@scopegate/fastify";
import {
  authHealth,
  calendarMetadataOptions,
  createEventStore,
  failureForStatus,
  NOT_AN_OBJECT,
  NOT_FOUND,
} from "@scopegate-examples/calendar-common";
import Fastify from "fastify";

/**
 * The calendar service (../../shared/conformance.md): `GET /health`, `GET /health/auth`, `GET /me`,
 * `GET|POST /events`, `DELETE /events/:id`, `GET /reports`. Events live in memory. The scopegate
 * plugin is registered in the context of the protected routes only; the health routes and unknown
 * routes stay outside it.
 *
 * @param {{ verifier: import("@scopegate/fastify").Verifier, https?: import("@scopegate-examples/calendar-common").HttpsSettings | null }} options
 *   `https`: serve HTTPS with these settings (`httpsOptions(config.tls)`); default HTTP. With a `ca`,
 *   clients are asked for a certificate, and the metadata says certificate-bound tokens can be used.
 * @returns {Promise<import("fastify").FastifyInstance>}
 */
export async function createApp({ verifier, https = null }) {
  // With TLS_CA, the TLS socket carries the client certificate that certificate-bound tokens name.
  const app = /** @type {import("fastify").FastifyInstance} */ (
    /** @type {unknown} */ (https ? Fastify({ logger: false, https }) : Fastify({ logger: false }))
  );
  // Form bodies are parsed so that a token sent in one as well as in the header is refused (400).
  await app.register(formbody);
  const events = createEventStore();

  // RFC 9728, outside the scopegate plugin's context: the document needs no token.
  await app.register(
    resourceMetadata(verifier, calendarMetadataOptions({ clientCertificates: https?.ca !== undefined })),
  );

  app.get("/health", async () => ({ ok: true }));

  app.get("/health/auth", async (_request, reply) => {
    const { status, body } = await authHealth(verifier);
    return reply.code(status).send(body);
  });

  app.register(async (api) => {
    await api.register(scopegate, { verifier });

    api.get("/me", async (request) => {
      const token = /** @type {import("@scopegate/fastify").VerifiedToken} */ (request.auth);
      return {
        subject: token.subject ?? null,
        clientId: token.clientId ?? null,
        scopes: token.scopes,
        claims: token.claims,
      };
    });

    api.get("/events", { config: { scopes: ["event.read"] } }, async () => ({ events: events.list() }));

    api.post("/events", { config: { scopes: ["event.create"] } }, async (request, reply) => {
      const body = request.body;
      const json = /^application\/json\s*(;|$)/i.test(request.headers["content-type"] ?? "");
      if (!json || typeof body !== "object" || body === null || Array.isArray(body)) {
        return reply.code(400).send(NOT_AN_OBJECT);
      }
      return reply.code(201).send(events.create(/** @type {Record<string, unknown>} */ (body)));
    });

    api.delete(
      "/events/:id",
      { config: { scopes: ["event.create", "event.delete"] } },
      async (/** @type {import("fastify").FastifyRequest<{ Params: { id: string } }>} */ request, reply) => {
        events.remove(request.params.id);
        return reply.code(204).send();
      },
    );

    // The same check written as a hook: at least one of the two scopes.
    api.get(
      "/reports",
      { preHandler: requireScopes(["report.read", "admin"], { match: "any" }) },
      async () => ({
        reports: [],
      }),
    );
  });

  app.setNotFoundHandler((_request, reply) => {
    reply.code(404).send(NOT_FOUND);
  });

  // scopegate's failures (400/401/403/503) answered as RFC 6750 says; everything else as JSON.
  app.setErrorHandler((error, _request, reply) => {
    if (isBearerError(error)) return sendBearerError(reply, error);
    const code = /** @type {{ statusCode?: unknown }} */ (error).statusCode;
    const status = typeof code === "number" && code >= 400 && code < 500 ? code : 500;
    if (status === 500) console.error(error);
    return reply.code(status).send(failureForStatus(status));
  });
  return app;
}
