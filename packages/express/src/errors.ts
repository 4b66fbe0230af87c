import type { ServerResponse } from "node:http";
import { type BearerError, type HandleErrors, isBearerError, toErrorResponse } from "@scopegate/core";
import type { ErrorRequestHandler, NextFunction, Request } from "express";

/** Writes the RFC 6750 response for a scopegate error: status, `WWW-Authenticate`/`Retry-After`, JSON body. */
export function sendBearerError(res: ServerResponse, error: BearerError): void {
  const { status, headers, body } = toErrorResponse(error);
  const payload = JSON.stringify(body);
  res.statusCode = status;
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.setHeader("Content-Length", Buffer.byteLength(payload));
  res.end(payload);
}

/**
 * An Express error handler that answers scopegate errors with their RFC 6750 response and passes
 * every other error on. Mount it after your routes and before your own error handler when that
 * handler would not render scopegate errors itself.
 */
export function bearerErrorHandler(): ErrorRequestHandler {
  return function scopegateErrorHandler(error: unknown, _req, res, next): void {
    if (isBearerError(error) && !res.headersSent) sendBearerError(res, error);
    else next(error);
  };
}

const FALLBACK = Symbol.for("scopegate.express.fallbackErrorHandler");

interface AppLike {
  use(handler: ErrorRequestHandler): unknown;
  parent?: unknown;
  [FALLBACK]?: true;
}

function isApp(value: unknown): value is AppLike {
  return typeof value === "function" && typeof (value as { use?: unknown }).use === "function";
}

/**
 * Adds `bearerErrorHandler()` once, at the end of the outermost app, so a scopegate error that no
 * handler of the app answered still gets its RFC 6750 response. False when there is no Express app.
 */
function installFallback(req: Request): boolean {
  const first: unknown = req.app;
  if (!isApp(first)) return false;
  let app = first;
  while (isApp(app.parent)) app = app.parent;
  if (!app[FALLBACK]) {
    Object.defineProperty(app, FALLBACK, { value: true });
    app.use(bearerErrorHandler());
  }
  return true;
}

/** Hands a failure on as `handleErrors` says. Errors that are not scopegate's always go to `next`. */
export function handOn(
  error: unknown,
  req: Request,
  res: ServerResponse,
  next: NextFunction,
  mode: HandleErrors,
): void {
  const answer = isBearerError(error) && !res.headersSent && mode !== "never";
  if (answer && (mode === "always" || !installFallback(req))) sendBearerError(res, error);
  else next(error);
}
