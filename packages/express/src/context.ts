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

/**
 * Where each request's outcome lives. Not on the request: Express gives every request its app's
 * request prototype, after which V8 takes microseconds to add each new property to it, so the
 * adapter adds none (docs/benchmarks.md, "Express").
 */
const contexts = new WeakMap<object, AuthContext>();

/**
 * `req.auth` as an accessor on the app's request prototype (`app.request`, Express's own place for
 * request extensions; Express 4 and 5 give it an own `app`). Reading it looks the token up;
 * assigning to it, as code of the app's own may, keeps that value on the request. Returns `false`
 * where it cannot be defined (a request without an Express prototype, or `auth` already defined
 * there by something else): then `req.auth` is an own property, as before.
 */
function defineAuthOn(proto: object | null): boolean {
  if (proto === null || !Object.hasOwn(proto, "app")) return false;
  if (Object.hasOwn(proto, "auth")) return authPrototypes.has(proto);
  Object.defineProperty(proto, "auth", {
    configurable: true,
    enumerable: false,
    get(this: object): VerifiedToken | undefined {
      return contexts.get(this)?.token;
    },
    set(this: object, value: unknown) {
      Object.defineProperty(this, "auth", { value, writable: true, configurable: true, enumerable: true });
    },
  });
  authPrototypes.add(proto);
  return true;
}
const authPrototypes = new WeakSet<object>();
/** The last prototype seen with the accessor on it: almost every request has the same one. */
let lastPrototype: object | null = null;

export function getContext(req: Request): AuthContext | undefined {
  return contexts.get(req);
}

/**
 * Records the outcome, makes `req.auth` the token (`undefined` for anonymous requests), and sets the
 * response headers core asks for (a fresh `DPoP-Nonce`).
 */
export function setContext(req: Request, context: AuthContext): void {
  contexts.set(req, context);
  const proto: object | null = Object.getPrototypeOf(req);
  if (proto === lastPrototype || defineAuthOn(proto)) {
    lastPrototype = proto;
    // A value the app assigned before would hide the accessor.
    if (Object.hasOwn(req, "auth")) delete req.auth;
  } else if (context.token) req.auth = context.token;
  else delete req.auth;
  const headers = context.token?.responseHeaders;
  if (headers !== undefined && req.res)
    for (const name in headers) req.res.setHeader(name, headers[name] as string);
}
