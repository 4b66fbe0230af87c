import { type BearerError, type HandleErrors, isBearerError, toErrorResponse } from "@scopegate/core";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";

/** The RFC 6750 response for a scopegate error: status, `WWW-Authenticate`/`Retry-After`, JSON body. */
export function bearerErrorResponse(error: BearerError): Response {
  const { status, headers, body } = toErrorResponse(error);
  return new Response(JSON.stringify(body), { status, headers });
}

/**
 * A scopegate error as Hono's own: an `HTTPException` whose `getResponse()` is the RFC 6750 answer
 * and whose `cause` is the `BearerError` (with its `code`).
 */
export function toHTTPException(error: BearerError): HTTPException {
  return new HTTPException(error.status as ContentfulStatusCode, {
    res: bearerErrorResponse(error),
    message: error.message,
    cause: error,
  });
}

/**
 * What a failed middleware does, as `handleErrors` says: `"fallback"` throws an `HTTPException`
 * carrying the RFC 6750 response (your `app.onError` decides; Hono's default answers with it);
 * `"always"` returns that response at once; `"never"` throws the `BearerError` itself. Errors that
 * are not scopegate's are thrown as they are.
 */
export function handOn(error: unknown, mode: HandleErrors): Response {
  if (!isBearerError(error) || mode === "never") throw error;
  if (mode === "always") return bearerErrorResponse(error);
  throw toHTTPException(error);
}
