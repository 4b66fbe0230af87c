import { createAuthAccessor, type HandleErrors, type VerifiedToken, type Verifier } from "@scopegate/core";
import type { NextFunction, Request, Response } from "express";

/**
 * An Express middleware. Generic over the request, so that it leaves the route's own types alone:
 * `app.get("/events/:id", bearerAuth(…), (req) => req.params.id)` still infers `{ id: string }`.
 */
export type ScopegateMiddleware = <Req extends Request, Res extends Response>(
  req: Req,
  res: Res,
  next: NextFunction,
) => void;

/** What `bearerAuth()` leaves on a request for the scope middlewares after it. */
export interface AuthContext {
  verifier: Verifier;
  /** `undefined` for an anonymous request (`credentialsRequired: false`, no credentials). */
  token: VerifiedToken | undefined;
  handleErrors: HandleErrors;
}

/**
 * Where each request's outcome lives. Not on the request: Express gives every request its app's
 * request prototype, after which V8 takes microseconds to add each new property to it, so the
 * adapter adds none (docs/benchmarks.md, "Express").
 */
const contexts = new WeakMap<object, AuthContext>();

/** `req.auth` as an accessor on the app's request prototype (`app.request`), reading `contexts`. */
const showAuth = createAuthAccessor((req) => contexts.get(req)?.token);

export function getContext(req: Request): AuthContext | undefined {
  return contexts.get(req);
}

/**
 * Records the outcome, makes `req.auth` the token (`undefined` for anonymous requests), and sets the
 * response headers core asks for (a fresh `DPoP-Nonce`).
 */
export function setContext(req: Request, context: AuthContext): void {
  contexts.set(req, context);
  // Without an Express prototype (a bare Node server), `req.auth` is an own property.
  if (!showAuth(req)) {
    if (context.token) req.auth = context.token;
    else delete req.auth;
  }
  const headers = context.token?.responseHeaders;
  if (headers !== undefined && req.res)
    for (const name in headers) req.res.setHeader(name, headers[name] as string);
}
