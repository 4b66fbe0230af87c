import { type BearerError, type HandleErrors, isBearerError, toErrorResponse } from "@scopegate/core";
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from "fastify";

/** Sends the RFC 6750 response for a scopegate error: status, `WWW-Authenticate`/`Retry-After`, JSON body. */
export function sendBearerError(reply: FastifyReply, error: BearerError): FastifyReply {
  const { status, headers, body } = toErrorResponse(error);
  return reply.code(status).headers(headers).send(JSON.stringify(body));
}

/** Marks a route that has an `errorHandler` of its own (set in `onRoute`). */
export const OWN_ERROR_HANDLER = Symbol.for("scopegate.fastify.ownErrorHandler");

/**
 * True when nothing of the app's would see the error: the route has no `errorHandler` option and its
 * instance still has Fastify's default error handler (whose JSON body is not RFC 6750's).
 */
function reachesDefaultHandler(request: FastifyRequest): boolean {
  const config = request.routeOptions?.config as { [OWN_ERROR_HANDLER]?: true } | undefined;
  if (config?.[OWN_ERROR_HANDLER]) return false;
  const handler: unknown = request.server.errorHandler;
  return typeof handler !== "function" || handler.name === "defaultErrorHandler";
}

/**
 * Hands a failure on as `handleErrors` says: `"fallback"` to the app's error handler (an error with
 * `statusCode` and `headers`), or the RFC 6750 answer when only Fastify's default handler would see
 * it; `"always"` the RFC 6750 answer; `"never"` the error handler whatever it is. Errors that are not
 * scopegate's always go to the error handler.
 */
export function handOn(
  error: unknown,
  request: FastifyRequest,
  reply: FastifyReply,
  done: HookHandlerDoneFunction,
  mode: HandleErrors,
): void {
  if (isBearerError(error) && !reply.sent && mode !== "never") {
    if (mode === "always" || reachesDefaultHandler(request)) {
      sendBearerError(reply, error);
      return;
    }
  }
  done(error instanceof Error ? error : new Error("scopegate: authentication failed", { cause: error }));
}
