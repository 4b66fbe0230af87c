import type { VerifiedToken, Verifier } from "@scopegate/core";
import type { Request } from "express";
import type { HandleErrors } from "./options.js";

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

/** Records the outcome on the request and sets `req.auth` (left absent for anonymous requests). */
export function setContext(req: Request, context: AuthContext): void {
  Object.defineProperty(req, CONTEXT, { value: context, configurable: true, writable: true });
  if (context.token) req.auth = context.token;
  else delete req.auth;
}
