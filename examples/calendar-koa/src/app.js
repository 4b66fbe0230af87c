// @ts-check

import { bodyParser } from "@koa/bodyparser";
import Router from "@koa/router";
import {
  bearerAuth,
  isBearerError,
  requireScope,
  requireScopes,
  resourceMetadata,
  sendBearerError,
} from "@scopegate/koa";
import {
  authHealth,
  calendarMetadataOptions,
  createEventStore,
  failureForStatus,
  NOT_AN_OBJECT,
  NOT_FOUND,
} from "@scopegate-examples/calendar-common";
import Koa from "koa";

/**
 * The calendar service (../../shared/conformance.md): `GET /health`, `GET /health/auth`, `GET /me`,
 * `GET|POST /events`, `DELETE /events/:id`, `GET /reports`, and the RFC 9728 metadata at
 * `/.well-known/oauth-protected-resource`. Events live in memory.
 *
 * @param {{ verifier: import("@scopegate/koa").Verifier, clientCertificates?: boolean }} options
 *   `clientCertificates`: the server asks clients for a certificate (the metadata says so)
 * @returns {Koa}
 */
export function createApp({ verifier, clientCertificates = false }) {
  const app = new Koa();
  app.use(jsonErrors);
  app.use(resourceMetadata(verifier, calendarMetadataOptions({ clientCertificates })));
  // Parsed before authentication so that a token sent in a form body as well as in the header is
  // seen (400 invalid_request). JSON is for POST /events.
  app.use(bodyParser({ enableTypes: ["json", "form"] }));

  const auth = bearerAuth(verifier);
  const events = createEventStore();
  const router = new Router();

  router.get("/health", (ctx) => {
    ctx.body = { ok: true };
  });

  router.get("/health/auth", async (ctx) => {
    const { status, body } = await authHealth(verifier);
    ctx.status = status;
    ctx.body = body;
  });

  router.get("/me", auth, (ctx) => {
    const token = /** @type {import("@scopegate/koa").VerifiedToken} */ (ctx.state.auth);
    ctx.body = {
      subject: token.subject ?? null,
      clientId: token.clientId ?? null,
      scopes: token.scopes,
      claims: token.claims,
    };
  });

  router.get("/events", auth, requireScope("event.read"), (ctx) => {
    ctx.body = { events: events.list() };
  });

  router.post("/events", auth, requireScope("event.create"), (ctx) => {
    const body = /** @type {{ body?: unknown }} */ (ctx.request).body;
    if (typeof body !== "object" || body === null || Array.isArray(body) || !ctx.is("application/json")) {
      ctx.status = 400;
      ctx.body = NOT_AN_OBJECT;
      return;
    }
    const event = events.create(/** @type {Record<string, unknown>} */ (body));
    ctx.status = 201;
    ctx.body = event;
  });

  router.delete("/events/:id", auth, requireScopes(["event.create", "event.delete"]), (ctx) => {
    events.remove(String(ctx.params.id));
    ctx.status = 204;
  });

  router.get("/reports", auth, requireScopes(["report.read", "admin"], { match: "any" }), (ctx) => {
    ctx.body = { reports: [] };
  });

  app.use(router.routes());
  return app;
}

/**
 * Every failure as JSON: scopegate's (400/401/403/503) as RFC 6750 says, a bad body as 400, an
 * unknown route as 404, anything else as 500 (logged, never shown).
 *
 * @param {Koa.ParameterizedContext} ctx
 * @param {Koa.Next} next
 */
async function jsonErrors(ctx, next) {
  try {
    await next();
  } catch (error) {
    if (isBearerError(error)) {
      sendBearerError(ctx, error);
      return;
    }
    const status = /** @type {{ status?: unknown }} */ (error)?.status;
    const clientError = typeof status === "number" && status >= 400 && status < 500;
    if (!clientError) ctx.app.emit("error", error, ctx);
    ctx.status = clientError ? status : 500;
    ctx.body = failureForStatus(ctx.status);
    return;
  }
  if (ctx.status === 404 && ctx.body == null) {
    ctx.status = 404;
    ctx.body = NOT_FOUND;
  }
}
