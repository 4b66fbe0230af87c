import {
  type AuthenticatingVerifier,
  type AuthOutcome,
  authenticateNow,
  type HandleErrors,
  type NodeRequestLike,
  type RequestLike,
  type VerifiedToken,
  type Verifier,
} from "@scopegate/core";
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
 * Adds the response headers core asks for (a fresh `DPoP-Nonce`) to the response the handler made.
 * Called after `next()`: a handler that returns its own `Response` would not see headers set before.
 */
export function sendResponseHeaders(c: Context, token: VerifiedToken | undefined): void {
  const headers = token?.responseHeaders;
  if (headers === undefined) return;
  for (const name in headers) c.header(name, headers[name] as string);
}

/** The Node request behind the context on @hono/node-server (`c.env.incoming`), for its TLS socket. */
function incomingOf(c: Context): NodeRequestLike | undefined {
  const env: unknown = c.env;
  if (typeof env !== "object" || env === null) return undefined;
  const incoming = (env as { incoming?: unknown }).incoming;
  return typeof incoming === "object" && incoming !== null ? (incoming as NodeRequestLike) : undefined;
}

const FORM = /^application\/x-www-form-urlencoded\s*(;|$)/i;

/** Whether the request may carry a form-encoded body (not on GET or HEAD). */
function hasFormBody(raw: Request): boolean {
  const { method } = raw;
  return method !== "GET" && method !== "HEAD" && FORM.test(raw.headers.get("content-type") ?? "");
}

/** A form-encoded body, parsed (Hono keeps it for the handler's own `c.req.parseBody()`); else `undefined`. */
async function formBody(c: Context): Promise<unknown> {
  try {
    return await c.req.parseBody({ all: true });
  } catch {
    return undefined; // an unreadable body carries no credentials; the handler answers for it
  }
}

/**
 * The request as core reads it: the web `Headers` (a repeated `Authorization` arrives joined with
 * ", " and is refused as two credentials), the method and URL (a DPoP proof's `htm` and `htu`; only
 * the path is read, the origin is the configured `publicUrl`), the query string when there is one,
 * and a form-encoded body (a token in the query or the body next to the header is refused; with
 * `allowQueryToken`/`allowBodyToken` one there is accepted). Other bodies are not read. On
 * @hono/node-server the Node request (`c.env.incoming`) comes along too, so that a client
 * certificate on a TLS socket binds certificate-bound tokens (RFC 8705); other runtimes have none.
 * A promise only when there is a form body to read.
 */
export function requestOf(c: Context): RequestLike | Promise<RequestLike> {
  const raw = c.req.raw;
  const url = raw.url;
  const question = url.indexOf("?");
  const incoming = incomingOf(c);
  const request = {
    headers: raw.headers,
    method: raw.method,
    url,
    raw: incoming,
    query: question === -1 ? undefined : new URLSearchParams(url.slice(question + 1)),
    body: undefined as unknown,
  };
  if (!hasFormBody(raw)) return request;
  return formBody(c).then((body) => {
    request.body = body;
    return request;
  });
}

/**
 * Authenticates the context's request (`authenticateNow` in core): the outcome itself when it is at
 * hand (a cached token, no form body to read), a promise of it otherwise.
 */
export function authenticateContext(
  c: Context,
  verifier: AuthenticatingVerifier,
  credentialsRequired: true,
): VerifiedToken | Promise<VerifiedToken>;
export function authenticateContext(
  c: Context,
  verifier: AuthenticatingVerifier,
  credentialsRequired: boolean,
): AuthOutcome | Promise<AuthOutcome>;
export function authenticateContext(
  c: Context,
  verifier: AuthenticatingVerifier,
  credentialsRequired: boolean,
): AuthOutcome | Promise<AuthOutcome> {
  const request = requestOf(c);
  return request instanceof Promise
    ? request.then((ready) => authenticateNow(verifier, ready, credentialsRequired))
    : authenticateNow(verifier, request, credentialsRequired);
}
