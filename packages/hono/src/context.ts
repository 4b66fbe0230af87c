import type { HandleErrors, RequestLike, VerifiedToken, Verifier } from "@scopegate/core";
import type { Context, Env } from "hono";

/** The variables the middlewares set: `c.get("auth")`, `c.var.auth`. */
export interface AuthVariables {
  /**
   * The verified access token, set by `bearerAuth()` (or a scope middleware that authenticated).
   * `undefined` on anonymous requests (`credentialsRequired: false`) and on routes without scopegate.
   */
  auth: VerifiedToken | undefined;
}

/** The Hono environment the middlewares add to: `new Hono<AuthEnv>()`, or merge `AuthVariables` into yours. */
export interface AuthEnv extends Env {
  Variables: AuthVariables;
}

/** What `bearerAuth()` leaves on a context for the scope middlewares after it. */
export interface AuthContext {
  verifier: Verifier;
  /** `undefined` for an anonymous request (`credentialsRequired: false`, no credentials). */
  token: VerifiedToken | undefined;
  handleErrors: HandleErrors;
}

const CONTEXT = Symbol.for("scopegate.hono.context");

type WithContext = { [CONTEXT]?: AuthContext };

export function getContext(c: Context): AuthContext | undefined {
  return (c as unknown as WithContext)[CONTEXT];
}

/** Records the outcome on the context and sets `auth` (left unset for anonymous requests). */
export function setContext(c: Context, context: AuthContext): void {
  (c as unknown as WithContext)[CONTEXT] = context;
  if (context.token) (c as Context<AuthEnv>).set("auth", context.token);
}

/**
 * The request as core reads it: the web `Headers` (a repeated `Authorization` arrives joined with
 * ", " and is refused as two credentials), the method, and the query string when there is one (a
 * token in the query next to the header is refused). Bodies are never read.
 */
export function requestOf(c: Context): RequestLike {
  const raw = c.req.raw;
  const url = raw.url;
  const question = url.indexOf("?");
  return {
    headers: raw.headers,
    method: raw.method,
    query: question === -1 ? undefined : new URLSearchParams(url.slice(question + 1)),
  };
}
