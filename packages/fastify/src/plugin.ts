import {
  type AuthOptions,
  authenticateThen,
  type BearerAuthOptions,
  isVerifier,
  resolveAuthOptions,
  type VerifiedToken,
  type Verifier,
} from "@scopegate/core";
import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from "fastify";
import fp from "fastify-plugin";
import { declareContext, getContext, requestOf, setContext } from "./context.js";
import { handOn } from "./errors.js";
import { applyRouteConfig, type RouteOptionsLike, type RouteScopes, routeScopeHook } from "./route-config.js";

declare module "fastify" {
  interface FastifyRequest {
    /**
     * The verified access token, set by the scopegate plugin's `onRequest` hook (or a scope hook that
     * authenticated). `null` on anonymous requests (`credentialsRequired: false`) and on routes
     * outside the plugin's scope.
     */
    auth: VerifiedToken | null;
  }
  interface FastifyContextConfig {
    /**
     * The scopes this route needs, checked right after authentication: a list (every one), or
     * `{ anyOf: [...] }` (at least one). Read by the scopegate plugin registered in this route's scope.
     */
    scopes?: RouteScopes;
  }
}

/**
 * The plugin's options: every `createVerifier()` option plus `credentialsRequired` and
 * `handleErrors`, or `{ verifier }` (a verifier you made and may share) plus those two.
 */
export type ScopegatePluginOptions = BearerAuthOptions | (AuthOptions & { verifier: Verifier });

/** Options Fastify's `register` itself reads; they are not scopegate's. */
const REGISTER_OPTIONS = ["prefix", "logLevel", "logSerializers"] as const;

function resolvePluginOptions(options: ScopegatePluginOptions) {
  if (typeof options !== "object" || options === null) return resolveAuthOptions(options);
  const own: Record<string, unknown> = { ...options };
  for (const key of REGISTER_OPTIONS) delete own[key];
  if (!("verifier" in own)) return resolveAuthOptions(own as unknown as BearerAuthOptions);
  const { verifier, ...rest } = own;
  if (!isVerifier(verifier)) {
    throw new TypeError("scopegate: invalid option `verifier`: pass a verifier made by createVerifier().");
  }
  return resolveAuthOptions(verifier, rest as AuthOptions);
}

/**
 * Authenticates every request of the routes in its scope in an `onRequest` hook (before the body is
 * read) and sets `request.auth`; checks each route's `config.scopes`. Registered with
 * `fastify-plugin`, it covers the context it is registered in and that context's children: register
 * it inside `app.register(async (api) => …)` to protect only those routes.
 *
 * Failures (400 `invalid_request`, 401, 403, 503 when no key can be had) go to the app's error
 * handler as errors that carry `statusCode` and `headers`; when only Fastify's default handler would
 * see them, the RFC 6750 JSON answer is sent instead. Options are checked at registration: a bad one
 * fails the app's start with a `TypeError`.
 */
async function scopegatePlugin(fastify: FastifyInstance, options: ScopegatePluginOptions): Promise<void> {
  const { verifier, credentialsRequired, handleErrors } = resolvePluginOptions(options);

  /** Authenticates, records the outcome and calls `then`; a failure is handed on as `handleErrors` says. */
  function authenticate(
    request: FastifyRequest,
    reply: FastifyReply,
    done: HookHandlerDoneFunction,
    then: () => void,
  ): void {
    // A cached token goes on at once: no promise on the way.
    authenticateThen(
      verifier,
      requestOf(request),
      credentialsRequired,
      (token) => {
        setContext(request, reply, { verifier, token, handleErrors });
        then();
      },
      (error: unknown) => handOn(error, request, reply, done, handleErrors),
    );
  }

  /** After authentication: the route's `config.scopes`, if any, else on to the next hook. */
  function checkRouteScopes(request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) {
    let hook: ReturnType<typeof routeScopeHook>;
    try {
      hook = routeScopeHook(request);
    } catch (error) {
      done(error as Error);
      return;
    }
    if (hook) hook(request, reply, done);
    else done();
  }

  function scopegateAuthenticate(
    request: FastifyRequest,
    reply: FastifyReply,
    done: HookHandlerDoneFunction,
  ) {
    const previous = getContext(request);
    if (previous?.verifier === verifier && previous.token) {
      checkRouteScopes(request, reply, done);
      return;
    }
    authenticate(request, reply, done, () => checkRouteScopes(request, reply, done));
  }

  /**
   * The body is parsed after `onRequest`: a token in it as well as in the header is a second
   * credential (400 `invalid_request`), as RFC 6750 §2 says; checked once the body is there.
   */
  function scopegateBodyCredentials(
    request: FastifyRequest,
    reply: FastifyReply,
    done: HookHandlerDoneFunction,
  ) {
    const body = request.body;
    if (typeof body !== "object" || body === null || !Object.hasOwn(body, "access_token")) {
      done();
      return;
    }
    authenticate(request, reply, done, done);
  }

  if (!fastify.hasRequestDecorator("auth")) fastify.decorateRequest("auth", null);
  declareContext(fastify);
  fastify.addHook("onRoute", (route) => applyRouteConfig(route as RouteOptionsLike));
  fastify.addHook("onRequest", scopegateAuthenticate);
  fastify.addHook("preHandler", scopegateBodyCredentials);
}

/** The scopegate plugin: `app.register(scopegate, { issuer, audience })`. */
export const scopegate = fp(scopegatePlugin, { name: "@scopegate/fastify", fastify: "4.x || 5.x" });
