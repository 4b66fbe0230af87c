// @ts-check

import {
  bearerAuth,
  bearerErrorHandler,
  requireScope,
  requireScopes,
  resourceMetadata,
} from "@scopegate/express";
import {
  authHealth,
  calendarMetadataOptions,
  createEventStore,
  failureForStatus,
  NOT_AN_OBJECT,
  NOT_FOUND,
} from "@scopegate-examples/calendar-common";
import express from "express";

/**
 * The calendar service (../../shared/conformance.md): `GET /health`, `GET /health/auth`, `GET /me`,
 * `GET|POST /events`, `DELETE /events/:id`, `GET /reports`, and the RFC 9728 metadata at
 * `/.well-known/oauth-protected-resource`. Events live in memory.
 *
 * @param {{ verifier: import("@scopegate/express").Verifier, clientCertificates?: boolean }} options
 *   `clientCertificates`: the server asks clients for a certificate (the metadata says so)
 * @returns {express.Express}
 */
export function createApp({ verifier, clientCertificates = false }) {
  const app = express();
  app.disable("x-powered-by");
  app.use(resourceMetadata(verifier, calendarMetadataOptions({ clientCertificates })));
  // Parsed before authentication so that a token sent in a form body as well as in the header is
  // seen (400 invalid_request). JSON is for POST /events.
  app.use(express.json(), express.urlencoded({ extended: false }));

  const auth = bearerAuth(verifier);
  const events = createEventStore();

  app.get("/health", (_req, res) => {
    res.json({ ok: true });
  });

  app.get("/health/auth", async (_req, res) => {
    const { status, body } = await authHealth(verifier);
    res.status(status).json(body);
  });

  app.get("/me", auth, (req, res) => {
    const token = /** @type {import("@scopegate/express").VerifiedToken} */ (req.auth);
    res.json({
      subject: token.subject ?? null,
      clientId: token.clientId ?? null,
      scopes: token.scopes,
      claims: token.claims,
    });
  });

  app.get("/events", auth, requireScope("event.read"), (_req, res) => {
    res.json({ events: events.list() });
  });

  app.post("/events", auth, requireScope("event.create"), (req, res) => {
    const body = req.body;
    if (typeof body !== "object" || body === null || Array.isArray(body) || !req.is("application/json")) {
      res.status(400).json(NOT_AN_OBJECT);
      return;
    }
    const event = events.create(body);
    res.status(201).json(event);
  });

  app.delete("/events/:id", auth, requireScopes(["event.create", "event.delete"]), (req, res) => {
    events.remove(String(req.params.id));
    res.status(204).end();
  });

  app.get("/reports", auth, requireScopes(["report.read", "admin"], { match: "any" }), (_req, res) => {
    res.json({ reports: [] });
  });

  app.use((_req, res) => {
    res.status(404).json(NOT_FOUND);
  });

  // scopegate's failures (400/401/403/503) answered as RFC 6750 says; everything else below.
  app.use(bearerErrorHandler());
  /** @type {express.ErrorRequestHandler} */
  const lastResort = (error, _req, res, next) => {
    if (res.headersSent) return next(error);
    const status =
      typeof error?.status === "number" && error.status >= 400 && error.status < 500 ? error.status : 500;
    if (status === 500) console.error(error);
    res.status(status).json(failureForStatus(status));
  };
  app.use(lastResort);
  return app;
}
