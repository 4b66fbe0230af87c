import { type CanActivate, type ExecutionContext, Inject, Injectable } from "@nestjs/common";
import { Reflector } from "@nestjs/core";
import {
  authenticateNow,
  authenticateOptional,
  CredentialsRequiredError,
  type RequestLike,
  type VerifiedToken,
  type Verifier,
} from "@scopegate/core";
import { type RouteAccess, SCOPEGATE_ACCESS_METADATA } from "./access.js";
import { authStateOf, recordAuth } from "./auth.js";
import { type AuthSource, isReusable } from "./auth-source.js";
import { isNamedOnRoute } from "./guard-placement.js";
import type { ScopegateOptions } from "./options.js";
import { SCOPEGATE_OPTIONS, SCOPEGATE_VERIFIER } from "./tokens.js";

/** An Express or Fastify request, as Nest hands it to guards: core reads either as it is. */
export type HttpRequest = RequestLike;

/**
 * Authenticates the request's bearer token and checks the route's scopes. Failures are thrown as
 * `@scopegate/core` errors (`BearerError`), which `ScopegateExceptionFilter` renders.
 *
 * Install it globally (`ScopegateModule.forRoot({ guard: "global" })`) or per controller or route
 * (`@UseGuards(ScopegateGuard)`). Its steps are `protected`: subclass it to read the request from
 * another context (GraphQL) or to change a step.
 */
@Injectable()
export class ScopegateGuard implements CanActivate {
  constructor(
    @Inject(SCOPEGATE_VERIFIER) protected readonly verifier: Verifier,
    @Inject(SCOPEGATE_OPTIONS) protected readonly options: ScopegateOptions,
    @Inject(Reflector) protected readonly reflector: Reflector,
  ) {}

  /** Access rules already read, by controller class and handler: decorators are fixed at declaration. */
  readonly #accessByClass = new WeakMap<object, Map<object, RouteAccess | undefined>>();

  /** This guard's configuration, set on first use (after a subclass's own fields are). */
  #source: AuthSource | undefined;

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const request = this.getRequest(context);
    const access = this.getAccess(context);
    if (access?.public && this.isLiftedByPublic(context)) {
      if (!authStateOf(request)) recordAuth(request, undefined, null);
      return true;
    }
    const source = this.authSource();
    const credentialsRequired = !(access?.optional || this.options.credentialsRequired === false);
    // A request is authenticated once per guard configuration, even when the guard is both global and
    // on the route; another verifier, options or step authenticates again.
    const done = authStateOf(request);
    if (done && this.reusesResults(context) && isReusable(done, source, credentialsRequired)) {
      this.authorize(done.token, access, context);
      return true;
    }
    const authenticated = (token: VerifiedToken | undefined): true => {
      recordAuth(request, token, source);
      if (token?.responseHeaders !== undefined) this.setResponseHeaders(context, token.responseHeaders);
      this.authorize(token, access, context);
      return true;
    };
    // The default step answers a cached token at once (no promise); an overridden one is awaited.
    const outcome =
      this.authenticate === ScopegateGuard.prototype.authenticate
        ? authenticateNow(this.verifier, request, credentialsRequired)
        : this.authenticate(request, credentialsRequired, context);
    return outcome instanceof Promise ? outcome.then(authenticated) : authenticated(outcome);
  }

  private authSource(): AuthSource {
    this.#source ??= {
      verifier: this.verifier,
      options: this.options,
      authenticate: this.authenticate,
      getRequest: this.getRequest,
    };
    return this.#source;
  }

  /**
   * Whether `@Public()` on the route turns this guard off: yes for `ScopegateGuard` itself, wherever it
   * is installed, and for any guard installed globally; no for a subclass named with `@UseGuards()` on
   * the route or its controller, which is a requirement of its own ("public for the global guard,
   * partner tokens through `@UseGuards(PartnerGuard)`"). Override to change the rule.
   */
  protected isLiftedByPublic(context: ExecutionContext): boolean {
    return this.constructor === ScopegateGuard || !isNamedOnRoute(this.reflector, context, this);
  }

  /**
   * Whether this guard may take over a result an earlier run left on the request object (same
   * verifier, options and steps; a token still current by `exp`). Default: `true`. Return `false`
   * (e.g. `context.getType() !== "http"`) to verify every WebSocket or GraphQL operation afresh through
   * the verifier, which also re-asks an introspection endpoint once its cache entry ends.
   */
  protected reusesResults(_context: ExecutionContext): boolean {
    return true;
  }

  /** The HTTP request to authenticate. Override for other contexts (e.g. GraphQL's `ctx.req`). */
  protected getRequest(context: ExecutionContext): HttpRequest {
    return context.switchToHttp().getRequest<HttpRequest>();
  }

  /**
   * The route's access rule: the handler's, else its controller's (`Reflector.getAllAndOverride`),
   * read once per controller and handler.
   */
  protected getAccess(context: ExecutionContext): RouteAccess | undefined {
    const handler = context.getHandler();
    const controller = context.getClass();
    let byHandler = this.#accessByClass.get(controller);
    if (byHandler === undefined) {
      byHandler = new Map();
      this.#accessByClass.set(controller, byHandler);
    }
    if (byHandler.has(handler)) return byHandler.get(handler);
    const access = this.reflector.getAllAndOverride<RouteAccess | undefined>(SCOPEGATE_ACCESS_METADATA, [
      handler,
      controller,
    ]);
    byHandler.set(handler, access);
    return access;
  }

  /**
   * Verifies the request's bearer token. Resolves `undefined` only when the request carries no
   * credentials at all and `credentialsRequired` is `false` (`@OptionalAuth()`, or the module option).
   */
  protected authenticate(
    request: HttpRequest,
    credentialsRequired: boolean,
    _context: ExecutionContext,
  ): Promise<VerifiedToken | undefined> {
    return credentialsRequired
      ? this.verifier.authenticate(request)
      : authenticateOptional(this.verifier, request);
  }

  /**
   * Sets the headers core asks for on a successful request (a fresh `DPoP-Nonce`), through
   * `response.header(name, value)`, which Express's `res` and Fastify's `reply` both have.
   */
  protected setResponseHeaders(context: ExecutionContext, headers: Readonly<Record<string, string>>): void {
    const response = context
      .switchToHttp()
      .getResponse<{ header?: (name: string, value: string) => unknown }>();
    if (typeof response?.header !== "function") return;
    for (const name in headers) response.header(name, headers[name] as string);
  }

  /** Checks the route's scope requirements, in order; throws 403 `insufficient_scope` on the first that fails. */
  protected authorize(
    token: VerifiedToken | undefined,
    access: RouteAccess | undefined,
    _context: ExecutionContext,
  ): void {
    const requirements = access?.requirements ?? [];
    if (requirements.length === 0) return;
    if (token === undefined) throw new CredentialsRequiredError({ realm: this.verifier.options.realm });
    for (const requirement of requirements) this.verifier.requireScopes(token, requirement);
  }
}
