import {
  type AuthOptions,
  authenticateThen,
  type BearerAuthOptions,
  resolveAuthOptions,
  type VerifiedToken,
  type Verifier,
} from "@scopegate/core";
import type { NextFunction, Request, Response } from "express";
import { getContext, setContext } from "./context.js";
import { handOn } from "./errors.js";

declare global {
  namespace Express {
    interface Request {
      /**
       * The verified access token, set by `bearerAuth()` (or a scope middleware that authenticated).
       * `undefined` on anonymous requests (`credentialsRequired: false`) and on routes without scopegate.
       */
      auth?: VerifiedToken;
    }
  }
}

/** The middleware `bearerAuth()` returns; `verifier` is there to share with `requireScope(…, { verifier })`. */
export interface BearerAuthMiddleware {
  // A call signature in an interface (not an intersection) keeps route types inferred: see ScopegateMiddleware.
  <Req extends Request, Res extends Response>(req: Req, res: Res, next: NextFunction): void;
  readonly verifier: Verifier;
}

/**
 * Authenticates the request's bearer token and sets `req.auth`.
 *
 * Failures (400 `invalid_request`, 401, 503 when no key can be had) are handed on as `handleErrors`
 * says: by default to `next(err)` with a `BearerError` (`status`, `headers`, `body()`), and answered as
 * RFC 6750 JSON by scopegate's fallback handler when no error handler of the app does.
 * Options are checked now: a bad one throws a `TypeError`.
 */
export function bearerAuth(options: BearerAuthOptions): BearerAuthMiddleware;
export function bearerAuth(verifier: Verifier, options?: AuthOptions): BearerAuthMiddleware;
export function bearerAuth(first: BearerAuthOptions | Verifier, second?: AuthOptions): BearerAuthMiddleware {
  const { verifier, credentialsRequired, handleErrors } = resolveAuthOptions(first, second);

  function scopegateBearerAuth(req: Request, res: Response, next: NextFunction): void {
    const previous = getContext(req);
    if (previous?.verifier === verifier && previous.token) {
      next();
      return;
    }
    // A cached token calls next() at once: no promise on the way.
    authenticateThen(
      verifier,
      req,
      credentialsRequired,
      (token) => {
        setContext(req, { verifier, token, handleErrors });
        next();
      },
      (error: unknown) => handOn(error, req, res, next, handleErrors),
    );
  }
  return Object.assign(scopegateBearerAuth, { verifier });
}
