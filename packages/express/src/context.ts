import type { RequestLike, VerifiedToken, Verifier } from "@scopegate/core";
import type { NextFunction, Request, Response } from "express";
import type { HandleErrors } from "./options.js";

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
 * The parts of `req` bearer extraction reads, as a plain object. Passing `req` itself is not enough
 * today: core takes anything with a `get()` method (Express's `req.get`) for a Fetch `Headers`, and
 * would then miss the query, the body and the repeated `Authorization` lines in `rawHeaders`.
 */
export function requestView(req: Request): RequestLike & { rawHeaders: readonly string[] } {
  return {
    headers: req.headers,
    method: req.method,
    query: req.query,
    body: req.body,
    rawHeaders: req.rawHeaders,
  };
}

const CONTEXT = Symbol.for("scopegate.express.context");

type WithContext = { [CONTEXT]?: AuthContext };

export function getContext(req: Request): AuthContext | undefined {
  return (req as WithContext)[CONTEXT];
}

/** Records the outcome on the request and sets `req.auth` (left absent for anonymous requests). */
export function setContext(req: Request, context: AuthContext): void {
  Object.defineProperty(req, CONTEXT, { value: context, configurable: true, writable: true });
  if (context.token) req.auth = context.token;
  else delete req.auth;
}
