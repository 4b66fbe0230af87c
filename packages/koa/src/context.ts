import type { RequestLike, VerifiedToken, Verifier } from "@scopegate/core";
import type { ParameterizedContext } from "koa";
import type { HandleErrors } from "./options.js";

/** What `bearerAuth()` leaves on a context for the scope middlewares after it. */
export interface AuthContext {
  verifier: Verifier;
  /** `undefined` for an anonymous request (`credentialsRequired: false`, no credentials). */
  token: VerifiedToken | undefined;
  handleErrors: HandleErrors;
}

/**
 * The parts of the request bearer extraction reads, as a plain object. Passing `ctx.request` itself is
 * not enough today: core takes anything with a `get()` method (Koa's `request.get`) for a Fetch
 * `Headers`, and `rawHeaders` (the repeated `Authorization` lines Node drops) is on `ctx.req` only.
 */
export function requestView(ctx: ParameterizedContext): RequestLike & { rawHeaders: readonly string[] } {
  return {
    headers: ctx.request.headers,
    method: ctx.method,
    query: ctx.query,
    body: (ctx.request as { body?: unknown }).body,
    rawHeaders: ctx.req.rawHeaders,
  };
}

const CONTEXT = Symbol.for("scopegate.koa.context");

type WithContext = { [CONTEXT]?: AuthContext };

export function getContext(ctx: ParameterizedContext): AuthContext | undefined {
  return (ctx as WithContext)[CONTEXT];
}

/** Records the outcome on the context and sets `ctx.state.auth` (left absent for anonymous requests). */
export function setContext(ctx: ParameterizedContext, context: AuthContext): void {
  Object.defineProperty(ctx, CONTEXT, { value: context, configurable: true, writable: true });
  if (context.token) ctx.state.auth = context.token;
  else delete ctx.state.auth;
}
