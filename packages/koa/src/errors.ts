import { type BearerError, type HandleErrors, isBearerError, toErrorResponse } from "@scopegate/core";
import type { Middleware, ParameterizedContext } from "koa";

/** Answers with the RFC 6750 response for a scopegate error: status, `WWW-Authenticate`/`Retry-After`, JSON body. */
export function sendBearerError(ctx: ParameterizedContext, error: BearerError): void {
  const { status, headers, body } = toErrorResponse(error);
  ctx.status = status;
  ctx.set(headers);
  ctx.body = body;
}

/**
 * Koa middleware that answers scopegate errors thrown after it with their RFC 6750 response and
 * rethrows every other error. Mount it inside your own error middleware when that middleware would
 * not render scopegate errors itself.
 */
export function bearerErrorHandler(): Middleware {
  return async function scopegateErrorHandler(ctx, next) {
    try {
      await next();
    } catch (error) {
      if (!isBearerError(error) || ctx.headerSent) throw error;
      sendBearerError(ctx, error);
    }
  };
}

const FALLBACK = Symbol.for("scopegate.koa.fallbackErrorHandler");

type Fallible = ParameterizedContext & { [FALLBACK]?: true };

/**
 * Wraps this request's `ctx.onerror`, which Koa calls for an error no middleware caught, so that a
 * scopegate error gets its RFC 6750 JSON response (Koa's own would be plain text). Like Koa, it
 * emits the error on the app and clears the headers set so far. Other errors go to Koa's handler.
 */
function installFallback(ctx: Fallible): void {
  if (ctx[FALLBACK]) return;
  Object.defineProperty(ctx, FALLBACK, { value: true });
  const original = ctx.onerror;
  ctx.onerror = function scopegateOnerror(this: ParameterizedContext, error: Error) {
    if (!isBearerError(error) || this.headerSent || !this.writable) return original.call(this, error);
    this.app.emit("error", error, this);
    for (const name of this.res.getHeaderNames()) this.res.removeHeader(name);
    const { status, headers, body } = toErrorResponse(error);
    const payload = JSON.stringify(body);
    this.status = status;
    this.set(headers);
    this.length = Buffer.byteLength(payload);
    this.res.end(payload);
  };
}

/** Hands a failure on as `handleErrors` says. Errors that are not scopegate's are always rethrown. */
export function handOn(error: unknown, ctx: ParameterizedContext, mode: HandleErrors): void {
  if (!isBearerError(error) || ctx.headerSent) throw error;
  if (mode === "always") {
    sendBearerError(ctx, error);
    return;
  }
  if (mode === "fallback") installFallback(ctx);
  throw error;
}
