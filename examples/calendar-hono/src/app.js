// @ts-check
import { bearerAuth, requireScope, requireScopes, resourceMetadata } from "@scopegate/hono";
import { authHealth } from "@scopegate-examples/calendar-common/auth-health";
import { createEventStore } from "@scopegate-examples/calendar-common/events";
import {
  NOT_AN_OBJECT,
  NOT_FOUND,
  NOT_JSON,
  SERVER_ERROR,
} from "@scopegate-examples/calendar-common/failures";
import { calendarMetadataOptions } from "@scopegate-examples/calendar-common/resource-metadata";
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";

/**
 * The calendar service (../../shared/conformance.md): `GET /health`, `GET /health/auth`, `GET /me`,
 * `GET|POST /events`, `DELETE /events/:id`, `GET /reports`. Events live in memory. Web-standard only: the same app is
 * served by @hono/node-server here, and runs on Bun, Deno and Workers (../hono-worker).
 *
 * @param {{ verifier: import("@scopegate/hono").Verifier, events?: import("@scopegate-examples/calendar-common/events").EventStore, clientCertificates?: boolean }} options
 *   `clientCertificates`: the Node server asks clients for a certificate (the metadata says so)
 * @returns {Hono<import("@scopegate/hono").AuthEnv>}
 */
export function createApp({ verifier, events = createEventStore(), clientCertificates = false }) {
  /** @type {Hono<import("@scopegate/hono").AuthEnv>} */
  const app = new Hono();
  const auth = bearerAuth(verifier);

  // RFC 9728, before authentication (when the verifier has a resource, as the Node service's always
  // does): GET/HEAD, the CORS preflight, and 405 for the rest.
  if (verifier.options.resource !== null) {
    app.use(resourceMetadata(verifier, calendarMetadataOptions({ clientCertificates })));
  }

  app.get("/health", (c) => c.json({ ok: true }));

  app.get("/health/auth", async (c) => {
    const { status, body } = await authHealth(verifier);
    return c.json(body, status);
  });

  app.get("/me", auth, (c) => {
    const token = /** @type {import("@scopegate/hono").VerifiedToken} */ (c.get("auth"));
    return c.json({
      subject: token.subject ?? null,
      clientId: token.clientId ?? null,
      scopes: token.scopes,
      claims: token.claims,
    });
  });

  app.get("/events", auth, requireScope("event.read"), (c) => c.json({ events: events.list() }));

  app.post("/events", auth, requireScope("event.create"), async (c) => {
    if (!/^application\/json\s*(;|$)/i.test(c.req.header("content-type") ?? "")) {
      return c.json(NOT_AN_OBJECT, 400);
    }
    /** @type {unknown} */
    let body;
    try {
      body = await c.req.json();
    } catch {
      return c.json(NOT_JSON, 400);
    }
    if (typeof body !== "object" || body === null || Array.isArray(body)) {
      return c.json(NOT_AN_OBJECT, 400);
    }
    return c.json(events.create(/** @type {Record<string, unknown>} */ (body)), 201);
  });

  app.delete("/events/:id", auth, requireScopes(["event.create", "event.delete"]), (c) => {
    events.remove(c.req.param("id"));
    return c.body(null, 204);
  });

  app.get("/reports", auth, requireScopes(["report.read", "admin"], { match: "any" }), (c) =>
    c.json({ reports: [] }),
  );

  app.notFound((c) => c.json(NOT_FOUND, 404));

  // scopegate's failures (400/401/403/503) are HTTPExceptions carrying their RFC 6750 response.
  app.onError((error, c) => {
    if (error instanceof HTTPException) return error.getResponse();
    console.error(error);
    return c.json(SERVER_ERROR, 500);
  });
  return app;
}
