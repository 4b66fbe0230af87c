import type { HandleErrors, RequestLike, VerifiedToken, Verifier } from "@scopegate/core";
import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from "fastify";

/**
 * A Fastify hook in callback style, usable as `onRequest` or `preHandler` (route or instance level).
 * Generic over the request, so that it leaves the route's own types alone.
 */
export type ScopegateHook = <Req extends FastifyRequest, Rep extends FastifyReply>(
  request: Req,
  reply: Rep,
  done: HookHandlerDoneFunction,
) => void;

/** What the plugin's authentication leaves on a request for the scope hooks after it. */
export interface AuthContext {
  verifier: Verifier;
  /** `undefined` for an anonymous request (`credentialsRequired: false`, no credentials). */
  token: VerifiedToken | undefined;
  handleErrors: HandleErrors;
}

const CONTEXT = Symbol.for("scopegate.fastify.context");

type WithContext = { [CONTEXT]?: AuthContext | null };

export function getContext(request: FastifyRequest): AuthContext | undefined {
  return (request as WithContext)[CONTEXT] ?? undefined;
}

/**
 * Declares the outcome's place on the requests of `fastify` (`null` until authenticated), so that
 * recording it does not change the request object's shape (a new property on each request costs
 * microseconds in V8). Without it (a scope hook outside the plugin) the outcome is added as it comes.
 */
export function declareContext(fastify: FastifyInstance): void {
  if (!fastify.hasRequestDecorator(CONTEXT)) fastify.decorateRequest(CONTEXT, null);
}

/**
 * Records the outcome on the request, sets `request.auth` (`null` for anonymous requests) and the
 * response headers core asks for (a fresh `DPoP-Nonce`).
 */
export function setContext(request: FastifyRequest, reply: FastifyReply, context: AuthContext): void {
  (request as WithContext)[CONTEXT] = context;
  request.auth = context.token ?? null;
  const headers = context.token?.responseHeaders;
  if (headers !== undefined) for (const name in headers) reply.header(name, headers[name] as string);
}

/**
 * The request as core reads it: Fastify's `headers` and `query` (parsed before `onRequest`), `method`,
 * and `raw.rawHeaders`, where a repeated `Authorization` header is still visible. In `onRequest` the
 * body is not read yet.
 */
export function requestOf(request: FastifyRequest): RequestLike {
  return request as unknown as RequestLike;
}
