import type { HandleErrors, VerifiedToken, Verifier } from "@scopegate/core";
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

const CONTEXT = Symbol.for("scopegate.express.context");

type WithContext = { [CONTEXT]?: AuthContext };

export function getContext(req: Request): AuthContext | undefined {
  return (req as WithContext)[CONTEXT];
}

/**
 * Records the outcome on the request and sets `req.auth` (left absent for anonymous requests), and
 * the response headers core asks for (a fresh `DPoP-Nonce`).
 */
export function setContext(req: Request, context: AuthContext): void {
  // A plain assignment: `Object.defineProperty` on every request cost more than the rest of the adapter.
  (req as WithContext)[CONTEXT] = context;
  if (context.token) {
    req.auth = context.token;
    const headers = context.token.responseHeaders;
    if (headers !== undefined && req.res)
      for (const name in headers) req.res.setHeader(name, headers[name] as string);
  } else delete req.auth;
}
